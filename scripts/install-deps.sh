# Sourced by the entry scripts after toolchain.sh: installs the locked dependencies when the
# lockfile changed since the last install.
if [ ! -f node_modules/.pnpm/lock.yaml ] || ! cmp -s pnpm-lock.yaml node_modules/.pnpm/lock.yaml; then
  pnpm install --frozen-lockfile
fi
