#!/usr/bin/env bash
# Checks the packages as they would be published: packs each (pnpm applies publishConfig), then
# on the tarball checks the LICENSE is inside, runs publint, and @arethetypeswrong/cli with its
# ESM-only profile (we publish ESM only). Run after `pnpm build`. Tarballs go to .packed/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/toolchain.sh >/dev/null
out="$PWD/.packed"
rm -rf "$out" && mkdir -p "$out"
for pkg in core otlp fetch handler hono inference; do
  (cd "packages/$pkg" && pnpm pack --pack-destination "$out" >/dev/null)
  tarball="$(ls "$out"/edgetrace-"$pkg"-*.tgz)"
  listing="$(tar tzf "$tarball")"
  if ! grep -qx 'package/LICENSE' <<<"$listing"; then
    echo "check-packages: $tarball has no LICENSE" >&2
    exit 1
  fi
  pnpm exec publint "$tarball" --level warning
  pnpm exec attw "$tarball" --profile esm-only --format ascii
done
echo "check-packages: every tarball has its LICENSE, passes publint and attw (esm-only)"
