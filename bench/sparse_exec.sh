#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Sparse and auto against masked execution, side by side in one run: training samples/s and the inference time of
# a 3-ticket ensemble (against one dense model) at densities 0.2, 0.1 and 0.05, for LeNet-300-100, the
# 784-1200-1200-10 MLP and LeNet-5, and the inference alone of WRN-16-8 on 3x32x32 inputs (too big to train here: 100
# examples, auto timing its layers at batch 16, one repeat). auto times each layer at the start and takes the faster
# path (sparse.execution = auto). Ratios are what to compare: the machine is shared and noisy.
# Each figure is the best of REPEATS runs, the three paths taking turns, so that a burst of load from the machine's
# neighbours slows one run, not one path.
#   bench/sparse_exec.sh [BUILD_DIR] [STEPS] [REPEATS]      (default build/, 150 timed steps, 3 repeats)
#   MODELS="lenet5 wrn-16-8" bench/sparse_exec.sh ...       (some of the models only)
set -euo pipefail
build=${1:-build}
steps=${2:-150}
repeats=${3:-3}
bin=$build/app/cli/freetickets
# OpenMP's wait policy as `freetickets train` gets it (libgomp's default: spin a while before sleeping), unless the
# caller sets one. PASSIVE makes every parallel region wake sleeping threads: LeNet-300-100's sparse step, a dozen
# small regions, ran at 110k samples/s under it and 269k without.
flags=$(grep -o -w -E 'avx512f|avx2' /proc/cpuinfo | sort -u | tr '\n' ' ')
echo "OMP_WAIT_POLICY: ${OMP_WAIT_POLICY:-unset, the libgomp default}"
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); flags: ${flags:-neither avx2 nor avx512f}; $(nproc) cores"
printf '%-14s %7s %11s %11s %8s %11s %8s %7s %11s %11s %8s\n' model density "masked s/s" "sparse s/s" speedup \
    "auto s/s" speedup "auto" "ens3 masked" "ens3 sparse" "vs dense"
for model in ${MODELS:-lenet300-100 mlp-1200 lenet5 wrn-16-8}; do
    args=(--model "$model" --steps "$steps")
    rounds=$repeats
    [[ $model == mlp-1200 ]] && args=(--model mlp --hidden 1200,1200 --steps "$steps")
    [[ $model == wrn-16-8 ]] && args=(--model wrn-16-8 --steps 0 --batch 16 --inference-examples 100) && rounds=1
    for d in 0.2 0.1 0.05; do
        runs=()
        for ((r = 0; r < rounds; r++)); do
            for e in masked sparse auto; do
                runs+=("$("$bin" bench "${args[@]}" --density "$d" --update-every 100 \
                    --update-repeats 0 --exec "$e" | tr -d '\n')")
            done
        done
        /usr/bin/python3 - "$model" "$d" "${runs[@]}" <<'PY'
import json, sys
model, d = sys.argv[1], sys.argv[2]
runs = [json.loads(x) for x in sys.argv[3:]]

def best(exec_):
    # The fastest training run of this path, and its fastest inference separately (they are timed apart).
    mine = [r for r in runs if r["exec"] == exec_]
    out = dict(max(mine, key=lambda r: r["samples_per_s"]))
    out["inference"] = min((r["inference"] for r in mine), key=lambda i: i["ensemble3_ms"])
    return out

m, s, a = best("masked"), best("sparse"), best("auto")
# The layers auto ran sparse, of those that could: "2/3".
chosen = "%d/%d" % (sum(1 for l in a["auto_layers"] if l[0]), sum(1 for l in a["auto_layers"] if l[1] >= 0))
trained = m["samples_per_s"] > 0  # --steps 0: inference only
ratio = lambda r: "%7.2fx" % (r["samples_per_s"] / m["samples_per_s"]) if trained else "%8s" % "-"
rate = lambda r: "%11.0f" % r["samples_per_s"] if trained else "%11s" % "-"
print("%-14s %7s %s %s %s %s %s %7s %9.1fms %9.1fms %7.2fx" % (
    model, d, rate(m), rate(s), ratio(s), rate(a), ratio(a), chosen,
    m["inference"]["ensemble3_ms"], s["inference"]["ensemble3_ms"], s["inference"]["ensemble3_vs_dense1"]))
PY
    done
done
echo "samples/s: training steps with a mask update every 100, best of $repeats; auto: the layers it ran sparse, of those"
echo "that could;"
echo "ens3: 3 tickets predicting 5000 examples (wrn-16-8: 100);"
echo "vs dense: the sparse 3-ticket ensemble's time over one dense model's"
