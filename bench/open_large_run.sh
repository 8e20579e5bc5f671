#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Opens a stored run in the workbench on a real X server (Xvfb, 1920x1080, empty HOME) and drives the mask view
# through every update and into single weights of the largest layer (--scrub-masks), then prints: the time until
# the run is shown, the peak resident memory, the GUI thread's longest gap while the run opens and while the masks
# are scrubbed and zoomed, and how many masks were read from the store.
#
# A large run to try it on (issue "Large runs in the workbench"; ~10 minutes on 2 cores, ~3 GB):
#   freetickets train fashion-edst --set model.name=mlp --set 'model.hidden=[6000,6000]' \
#     --set data.train_limit=1280 --set sparse.update_frequency=2 --set eval.corruptions=none \
#     --set eval.ood_sets=none --db big.sqlite
# Usage: bench/open_large_run.sh STORE RUN_ID [BUILD_DIR]
set -euo pipefail
store=$(realpath "$1")
run=$2
build="${3:-$(dirname "$0")/../build}"
app="$build/app/workbench/freetickets-workbench"
tmp=$(mktemp -d)
xvfb_pid=
cleanup() {
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
Xvfb :58 -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
export DISPLAY=:58 HOME="$tmp/home" LC_ALL=C.UTF-8
unset XDG_DATA_HOME XDG_CONFIG_HOME XDG_RUNTIME_DIR QT_QPA_PLATFORM
mkdir -p "$HOME"
for _ in $(seq 50); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.1; done

/usr/bin/time -v "$app" --db "$store" --open-run "$run" --scrub-masks --stats "$tmp/stats.json" \
    >"$tmp/out.log" 2>"$tmp/time.log"
[ -n "${KEEP_STATS:-}" ] && cp "$tmp/stats.json" "$KEEP_STATS"
/usr/bin/python3 - "$tmp/stats.json" "$tmp/time.log" <<'EOF'
import json, re, sys
stats = json.load(open(sys.argv[1]))
c = stats.get("counters", {})
shown = c.get("run_shown_after_ms", float("nan")) / 1000
gaps = stats.get("long_gaps", [])
before = max([g["gap_ms"] for g in gaps if g["at_s"] <= shown] or [0])
after = max([g["gap_ms"] for g in gaps if g["at_s"] > shown] or [0])
rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(sys.argv[2]).read())
print(f"run shown after           {shown:.2f} s")
print(f"peak resident memory      {int(rss.group(1)) / 1024 if rss else float('nan'):.0f} MiB")
print(f"longest GUI gap, opening  {before} ms (gaps over 50 ms are listed; none: under 50)")
print(f"longest GUI gap, scrubbing and zooming {after} ms over {c.get('scrub_frames', 0):.0f} frames "
      f"in {c.get('scrub_seconds', 0):.1f} s")
print(f"longest GUI gap overall   {stats['gui_timer']['longest_gap_ms']} ms, "
      f"{stats['gui_timer']['gaps_over_50ms']} gaps over 50 ms")
# A long gap in which the GUI thread hardly ran is the machine's other work, not the workbench's: say how much of
# the worst gap was the GUI thread's own CPU time.
print(f"GUI thread CPU in its busiest gap {stats['gui_timer']['longest_busy_ms_in_a_gap']:.0f} ms "
      f"(load average {open('/proc/loadavg').read().split()[0]})")
print(f"masks read from the store {c.get('masks_read_from_store', 0):.0f}, mask cache {c.get('mask_cache_mib', 0):.0f} MiB")
print(f"frames drawn complete     {c.get('scrub_updates_drawn_complete', 0):.0f} of {c.get('scrub_frames', 0):.0f} "
      f"(the rest showed the last complete picture while the next was read and drawn)")
EOF
