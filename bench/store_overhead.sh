#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# What the run store costs a training run: the same preset trained with the store on (--db) and off (--no-db),
# interleaved, ROUNDS times. Prints the training seconds of each side (medians), the slowdown (target: under 3%),
# the size of one run's store, and the bytes a mask update takes per million weights. Builds nothing.
#
# Usage: bench/store_overhead.sh [path/to/freetickets] [--set key=value ...]
#   e.g. bench/store_overhead.sh build/app/cli/freetickets                    # fashion-edst as shipped (long)
#        bench/store_overhead.sh build/app/cli/freetickets --set train.epochs=8 --set edst.explore_epochs=2 \
#            --set data.train_limit=6000                                       # a short version
# Environment: PRESET (fashion-edst), ROUNDS (3), PYTHON (/usr/bin/python3).
# Rounds alternate the order (on, off | off, on | ...) so that a slow drift in machine load hits both sides alike.
# Both sides write checkpoints (the default), so the difference is the store alone.
set -euo pipefail

BIN=${1:-build/app/cli/freetickets}
shift || true
PRESET=${PRESET:-fashion-edst}
ROUNDS=${ROUNDS:-3}
PY=${PYTHON:-/usr/bin/python3}

[[ -x $BIN ]] || { echo "store_overhead.sh: no executable at $BIN (build it first)" >&2; exit 1; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export XDG_DATA_HOME="$out/xdg"  # nothing lands in the user's own data folder

train() {  # side round
    local side=$1 r=$2 store
    shift 2
    if [[ $side == on ]]; then store=(--db "$out/on-$r.sqlite"); else store=(--no-db); fi
    echo "[$PRESET] round $r/$ROUNDS: store $side" >&2
    "$BIN" train "$PRESET" "$@" "${store[@]}" --checkpoint-dir "$out/ckpt-$side-$r" --out "$out/$side-$r.json" -q \
        >/dev/null
}

for r in $(seq "$ROUNDS"); do
    if (( r % 2 )); then
        train on "$r" "$@"; train off "$r" "$@"
    else
        train off "$r" "$@"; train on "$r" "$@"
    fi
done

"$PY" - "$out" "$ROUNDS" "$PRESET" <<'EOF'
import json, os, sqlite3, statistics, sys
out, rounds, preset = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def seconds(side):
    return [json.load(open(f"{out}/{side}-{r}.json"))["run"]["seconds"] for r in range(1, rounds + 1)]
on, off = seconds("on"), seconds("off")
m_on, m_off = statistics.median(on), statistics.median(off)
print(f"{preset}: training seconds, medians of {rounds} (runs: on {' '.join(f'{s:.1f}' for s in on)} | "
      f"off {' '.join(f'{s:.1f}' for s in off)})")
print(f"  store off {m_off:.2f} s, store on {m_on:.2f} s: throughput ratio on/off {m_off / m_on:.4f}, "
      f"slowdown {100 * (m_on / m_off - 1):+.2f}% (target: under 3%)")

path = f"{out}/on-1.sqlite"
size = os.path.getsize(path) + (os.path.getsize(path + "-wal") if os.path.exists(path + "-wal") else 0)
db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
q = lambda sql: db.execute(sql).fetchone()
weights = q("SELECT sum(total) FROM layers WHERE run = 1")[0] or 0
updates = q("SELECT count(*) FROM mask_updates WHERE run = 1")[0]
all_bytes, = q("SELECT sum(length(mask)) FROM mask_layers WHERE run = 1 AND mask IS NOT NULL")
delta_bytes, delta_updates = q("SELECT sum(length(mask)), count(DISTINCT member || '.' || update_index) "
                               "FROM mask_layers WHERE run = 1 AND mask IS NOT NULL AND keyframe = 0")
metric_rows = q("SELECT count(*) FROM metrics WHERE run = 1")[0]
events = q("SELECT count(*) FROM events WHERE run = 1")[0]
print(f"  store of one run: {size / 1e6:.2f} MB ({metric_rows} metric rows, {events} events, {updates} mask updates "
      f"of {weights} weights)")
if weights and updates:
    mw = weights / 1e6
    print(f"  mask bytes per update per million weights: {(all_bytes or 0) / updates / mw:.0f} on average "
          f"(keyframes every 16 updates included), {(delta_bytes or 0) / max(delta_updates, 1) / mw:.0f} for a delta; "
          f"raw bits would be {125000:.0f}")
EOF
