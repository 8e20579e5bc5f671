#!/usr/bin/env bash
# C++ core vs. the same masked training loop in Python (bench/python_loop.py), per-sample throughput.
# The project's target: C++ at least 1.2x the Python samples/s. Builds nothing.
#
# Usage: bench/compare_python.sh [path/to/freetickets]   (default build/app/cli/freetickets)
# Runs C++ and Python interleaved (C++, Python, C++, Python, ...) ROUNDS times per model so that slow drifts in
# machine load hit both sides alike, then prints the median samples/s of each side and the ratio C++/Python.
# Environment: ROUNDS (3), THREADS (2), DENSITY (0.2), BATCH (128), UPDATE_EVERY (100), PYTHON (/usr/bin/python3).
set -euo pipefail

BIN=${1:-build/app/cli/freetickets}
PY=${PYTHON:-/usr/bin/python3}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-2}
DENSITY=${DENSITY:-0.2}
BATCH=${BATCH:-128}
UPDATE_EVERY=${UPDATE_EVERY:-100}
HERE=$(cd "$(dirname "$0")" && pwd)

[[ -x $BIN ]] || { echo "compare_python.sh: no executable at $BIN (build it first)" >&2; exit 1; }
"$PY" -c 'import torch' 2>/dev/null || { echo "compare_python.sh: $PY has no torch" >&2; exit 1; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# model:steps
for spec in lenet300-100:300 lenet5:150; do
    model=${spec%%:*}
    steps=${spec##*:}
    args=(--model "$model" --density "$DENSITY" --batch "$BATCH" --steps "$steps" --update-every "$UPDATE_EVERY"
          --threads "$THREADS")
    for r in $(seq "$ROUNDS"); do
        echo "[$model] round $r/$ROUNDS: C++" >&2
        "$BIN" bench "${args[@]}" --update-repeats 0 >"$out/$model.cpp.$r.json"
        echo "[$model] round $r/$ROUNDS: Python" >&2
        "$PY" "$HERE/python_loop.py" "${args[@]}" >"$out/$model.py.$r.json"
    done
done

"$PY" - "$out" "$ROUNDS" <<'EOF'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def rates(model, side):
    return [json.load(open(f"{out}/{model}.{side}.{r}.json"))["samples_per_s"] for r in range(1, rounds + 1)]
print(f"{'model':<14}{'C++ samples/s':>15}{'Python samples/s':>18}{'ratio':>8}   (medians of {rounds}; runs C++ | Python)")
for model in ("lenet300-100", "lenet5"):
    c, p = rates(model, "cpp"), rates(model, "py")
    mc, mp = statistics.median(c), statistics.median(p)
    runs = " ".join(f"{x:.0f}" for x in c) + " | " + " ".join(f"{x:.0f}" for x in p)
    print(f"{model:<14}{mc:>15.0f}{mp:>18.0f}{mc / mp:>7.2f}x   {runs}")
EOF
