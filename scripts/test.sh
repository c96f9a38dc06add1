#!/usr/bin/env bash
# Runs every test (Node and workerd projects) from a bare clone: bootstraps the toolchain,
# installs the locked dependencies, then runs vitest. Extra arguments go to vitest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/toolchain.sh
. scripts/install-deps.sh
. scripts/chromium.sh
exec pnpm exec vitest run "$@"
