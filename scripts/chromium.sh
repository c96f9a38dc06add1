# Sourced by the test entry points: the viewer's browser test needs Debian's Chromium. When it
# is missing and apt-get can be used (CI runs as root), install it; otherwise the test says so.
if [ -z "${CHROMIUM_PATH:-}" ]; then
  if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "Installing Debian's chromium for the browser test..."
    (apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1; }) ||
      echo "warning: could not install chromium; the viewer's browser test will fail" >&2
  fi
  CHROMIUM_PATH="$(command -v chromium || true)"
  export CHROMIUM_PATH
fi
