#!/usr/bin/env bash
# README command 1: set up, build, and start the workbench on the default experiment (preset fashion-edst).
# With a display and the GUI built, the Qt workbench opens; otherwise the default preset trains headless with a
# progress bar and prints its result table. Extra arguments go to `freetickets train`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh"
build="${FT_BUILD_DIR:-$root/build}"
gui="$build/app/workbench/freetickets-workbench"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x "$gui" ]; then
  exec "$gui" "$@"
fi
echo "No display (or no GUI build): running the default experiment headless."
exec "$build/app/cli/freetickets" train "$@"
