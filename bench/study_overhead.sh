#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The local study executor's overhead: 8 short spirals runs as a study with --jobs 2 (1 thread each), against the
# same 8 configs trained one after another by `freetickets train` (1 thread), and as a study with --jobs 1. Prints
# wall seconds of each and their ratios. Usage: bench/study_overhead.sh [FREETICKETS] [EPOCHS]
set -euo pipefail
bin=$(realpath "${1:-build/app/cli/freetickets}")
epochs=${2:-200}
work=$(mktemp -d /tmp/ft-study-overhead-XXXXXX)
trap 'rm -rf "$work"' EXIT
export XDG_DATA_HOME="$work/xdg"
study() {
    cat > "$work/$1.json" <<JSON
{"name": "$1", "base": "spirals-teach",
 "set": {"train.epochs": $epochs, "edst.explore_epochs": $((epochs / 2)), "ensemble.members": 2},
 "seeds": [1, 2, 3, 4, 5, 6, 7, 8]}
JSON
}
now() { date +%s.%N; }
calc() { awk "BEGIN { print $1 }"; }

study jobs2
t0=$(now)
"$bin" study run "$work/jobs2.json" --db "$work/jobs2.sqlite" --jobs 2 --threads 1 -q
t_jobs2=$(calc "$(now) - $t0")

# The very configs the study trained, one after another.
t0=$(now)
for f in "$work"/jobs2.sqlite.studies/jobs2/p0-s*.a1.json; do
    "$bin" train "$f" --db "$work/serial.sqlite" -q > /dev/null
done
t_serial=$(calc "$(now) - $t0")

study jobs1
t0=$(now)
"$bin" study run "$work/jobs1.json" --db "$work/jobs1.sqlite" --jobs 1 --threads 1 -q
t_jobs1=$(calc "$(now) - $t0")

printf 'cpu: %s; flags: %s\n' "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" \
    "$(grep -o 'avx[^ ]*' /proc/cpuinfo | sort -u | xargs)"
printf '8 spirals runs (%s epochs, 1 thread each), wall seconds:\n' "$epochs"
printf '  one after another (train)  %8.1f\n' "$t_serial"
printf '  study --jobs 1             %8.1f   (%.3fx the serial time: the executor'"'"'s own cost)\n' "$t_jobs1" \
    "$(calc "$t_jobs1 / $t_serial")"
printf '  study --jobs 2             %8.1f   (%.2fx faster than serial)\n' "$t_jobs2" \
    "$(calc "$t_serial / $t_jobs2")"
