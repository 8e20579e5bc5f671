#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# README command 1: set up, build, and start the workbench on the default experiment (preset fashion-edst).
# With a display ($DISPLAY or $WAYLAND_DISPLAY) the Qt workbench opens on the default preset and starts training;
# without one the same preset trains headless with a progress bar and prints its result table.
# Extra arguments go to the workbench (e.g. --preset spirals-teach) or, headless, to `freetickets train`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh"
build="${FT_BUILD_DIR:-$root/build}"
gui="$build/app/workbench/freetickets-workbench"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  if [ -x "$gui" ]; then
    exec "$gui" --run "$@"
  fi
  echo "The workbench was not built (configured with -DFT_BUILD_GUI=OFF?): training headless instead." >&2
else
  echo "No display (\$DISPLAY and \$WAYLAND_DISPLAY are empty): training the default experiment headless." >&2
fi
exec "$build/app/cli/freetickets" train "$@"
