#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Makes the README's screenshots as a person sees the workbench: on a real X server (Xvfb) at 1366x768 and
# 1920x1080, with an empty HOME, every perspective of a stored run, grabbed from the screen with ImageMagick.
# The runs (a shortened fashion-edst and spirals-teach) are trained first by the CLI into a throw-away store.
# Needs xvfb, xdotool and imagemagick (scripts/install-deps.sh installs them).
# Usage: docs/screenshots/make-screenshots.sh [BUILD_DIR]   (default: build/)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build="${1:-$here/../../build}"
app="$build/app/workbench/freetickets-workbench"
cli="$build/app/cli/freetickets"
tmp=$(mktemp -d)
xvfb_pid=
cleanup() {
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
export HOME="$tmp/home" LC_ALL=C.UTF-8
unset XDG_DATA_HOME XDG_CONFIG_HOME XDG_RUNTIME_DIR QT_QPA_PLATFORM
mkdir -p "$HOME"
store="$tmp/runs.sqlite"

"$cli" train fashion-edst --set data.train_limit=6000 --set train.epochs=9 --set edst.explore_epochs=3 \
       --set eval.corruptions=none --set eval.ood_sets=none --db "$store" -q >/dev/null
"$cli" train spirals-teach --db "$store" -q >/dev/null
fashion=1 spirals=2
# A small study for the Study perspective: two methods at three densities, two seeds each.
cat > "$tmp/study.json" <<'JSON'
{"name": "spirals-sweep", "base": "spirals-teach",
 "set": {"train.epochs": 60, "edst.explore_epochs": 30, "ensemble.members": 2},
 "grid": {"sparse.density": [0.05, 0.1, 0.2], "method": ["edst", "dst-ensemble"]}, "seeds": [1, 2]}
JSON
"$cli" study run "$tmp/study.json" --db "$store" --jobs 2 -q >/dev/null

shoot() {  # shoot SIZE RUN PERSPECTIVE OUT [extra workbench args]
  local size=$1 run=$2 perspective=$3 out=$4
  shift 4
  "$app" --db "$store" --open-run "$run" --perspective "$perspective" --theme light --lang en --quit-after 30 "$@" \
         >"$tmp/app.log" 2>&1 &
  local pid=$!
  xdotool search --sync --onlyvisible --name "FreeTickets Workbench" >/dev/null
  sleep 4  # the run is read, the views draw, the masks arrive
  import -window root "$out"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "screenshot: $out"
}

for size in 1366x768 1920x1080; do
  display=:57
  Xvfb "$display" -screen 0 "${size}x24" -nolisten tcp >/dev/null 2>&1 &
  xvfb_pid=$!
  export DISPLAY=$display
  for _ in $(seq 50); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.1; done
  for p in setup watch masks tickets compare; do
    shoot "$size" "$fashion" "$p" "$here/$p-$size.png"
  done
  shoot "$size" "$spirals" teach "$here/teach-$size.png"
  shoot "$size" "$fashion" study "$here/study-$size.png"
  shoot "$size" "$fashion" watch "$here/focus-mask-$size.png" --focus mask
  kill "$xvfb_pid"
  wait "$xvfb_pid" 2>/dev/null || true
  xvfb_pid=
done
