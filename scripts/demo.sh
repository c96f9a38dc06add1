#!/usr/bin/env bash
# The demo from a bare clone: bootstraps the toolchain, installs the locked dependencies, builds
# the viewer and the mock GPU server for Node, then hands over to scripts/demo.mjs, which starts
# them and the demo Worker under `wrangler dev` and sends scripted requests.
# Usage: npm run demo [-- --once]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
echo "edgetrace demo: preparing the toolchain and dependencies (first run: a minute or two)..."
. scripts/toolchain.sh
. scripts/install-deps.sh
for app in viewer mock-inference; do bash scripts/bundle-app.sh "$app"; done
exec node scripts/demo.mjs "$@"
