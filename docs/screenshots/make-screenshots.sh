#!/usr/bin/env bash
# Makes the README's screenshots with the workbench itself, offscreen: the window and every view after a full
# spirals-teach run, and the window after a shortened fashion-edst. The runs go to a throw-away store.
# Usage: docs/screenshots/make-screenshots.sh [BUILD_DIR]   (default: build/)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build="${1:-$here/../../build}"
app="$build/app/workbench/freetickets-workbench"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export QT_QPA_PLATFORM=offscreen XDG_DATA_HOME="$tmp" XDG_RUNTIME_DIR="$tmp" LC_ALL=C.UTF-8
common=(--db "$tmp/runs.sqlite" --theme light --lang en --quit-when-done)
"$app" --preset spirals-teach --screenshot-dir "$here" "${common[@]}"
"$app" --preset fashion-edst --set data.train_limit=6000 --set train.epochs=9 --set edst.explore_epochs=3 \
       --screenshot "$here/window-fashion-edst.png" "${common[@]}"
