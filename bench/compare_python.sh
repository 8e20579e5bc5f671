#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# C++ core vs. the same masked training loop in Python (bench/python_loop.py), per-sample throughput.
# The project's target: C++ at least 1.2x the Python samples/s. Builds nothing.
#
# Usage: bench/compare_python.sh [path/to/freetickets]   (default build/app/cli/freetickets)
# Runs C++ and Python interleaved (C++, Python, C++, Python, ...) ROUNDS times per model so that slow drifts in
# machine load hit all sides alike, then prints the median samples/s of each side and the ratio C++/Python, also
# against Python given the same glibc malloc settings the core makes for itself (core/train/allocator.h).
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
        # The core raises glibc's malloc thresholds itself (core/train/allocator.h); give Python the same settings
        # through the environment too, so the report shows how much of the gap is the allocator alone.
        echo "[$model] round $r/$ROUNDS: Python, malloc tuned like the core" >&2
        env MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=268435456 MALLOC_TOP_PAD_=67108864 \
            "$PY" "$HERE/python_loop.py" "${args[@]}" >"$out/$model.pytuned.$r.json"
    done
done

"$PY" - "$out" "$ROUNDS" <<'EOF'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def rates(model, side):
    return [json.load(open(f"{out}/{model}.{side}.{r}.json"))["samples_per_s"] for r in range(1, rounds + 1)]
print(f"{'model':<14}{'C++':>9}{'Python':>9}{'ratio':>8}{'Py+malloc':>11}{'ratio':>8}"
      f"   samples/s, medians of {rounds}; runs C++ | Python | Python+malloc")
for model in ("lenet300-100", "lenet5"):
    c, p, t = rates(model, "cpp"), rates(model, "py"), rates(model, "pytuned")
    mc, mp, mt = statistics.median(c), statistics.median(p), statistics.median(t)
    runs = " | ".join(" ".join(f"{x:.0f}" for x in side) for side in (c, p, t))
    print(f"{model:<14}{mc:>9.0f}{mp:>9.0f}{mc / mp:>7.2f}x{mt:>11.0f}{mc / mt:>7.2f}x   {runs}")
EOF
