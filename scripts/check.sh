#!/usr/bin/env bash
# The whole pre-commit check: typecheck, lint, build, tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/toolchain.sh
pnpm install --frozen-lockfile --reporter=silent
pnpm run typecheck
pnpm run lint
pnpm run build
bash scripts/check-packages.sh
bash scripts/test.sh "$@"
