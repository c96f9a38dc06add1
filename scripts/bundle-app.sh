#!/usr/bin/env bash
# Bundles a Node app of the repository (apps/<name>/src/main.ts) into apps/<name>/dist/main.mjs
# with esbuild, for the demo and for running it by hand. Usage: bash scripts/bundle-app.sh <name>
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
app="${1:?usage: bundle-app.sh <app name under apps/>}"
pnpm exec esbuild "apps/$app/src/main.ts" --bundle --platform=node --format=esm --target=node22 \
  --outfile="apps/$app/dist/main.mjs" --log-level=warning \
  --banner:js="import { createRequire as __edgetraceRequire } from 'node:module'; const require = __edgetraceRequire(import.meta.url);"
