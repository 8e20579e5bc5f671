#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the libFuzzer targets (preset fuzz: clang, ASan + UBSan, build-fuzz/) and runs each, one at a time, for
# SECONDS on its seed corpus tests/fuzz/corpus/<target> (read only; what it finds goes to
# build-fuzz/corpus/<target>). Prints one line per target: executions, executions per second, coverage (edges
# and features of our code), corpus size and crashes; a crash leaves its input in build-fuzz/artifacts/<target>/
# and makes the script exit 1. Reproduce one with build-fuzz/tests/fuzz/<target> FILE.
#
#   scripts/run-fuzz.sh [SECONDS] [TARGET...]      # default: 20 s each, every target (CI: .ci/run)
#   scripts/run-fuzz.sh 1800                       # the issue's half hour per target (4 hours for the eight)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-20}
shift || true
cd "$root"
"$root/scripts/install-deps.sh"
[[ -f build-fuzz/CMakeCache.txt ]] || cmake --preset fuzz > /dev/null
cmake --build --preset fuzz
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    for d in tests/fuzz/corpus/*/; do targets+=("$(basename "$d")"); done
fi

# Leaks are not findings here: torch and SQLite keep caches for the life of the process.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
printf '%-20s %10s %8s %6s %7s %6s %s\n' target execs exec/s cov ft corpus crashes
for t in "${targets[@]}"; do
    work=build-fuzz/corpus/$t artifacts=build-fuzz/artifacts/$t
    mkdir -p "$work" "$artifacts"
    log=build-fuzz/fuzz-$t.log
    # -rss_limit_mb: a reader that believes a header's sizes and allocates gigabytes is a finding too.
    if build-fuzz/tests/fuzz/"$t" "$work" "tests/fuzz/corpus/$t" -max_total_time="$seconds" -rss_limit_mb=2048 \
        -malloc_limit_mb=1024 -timeout=10 -print_final_stats=1 -artifact_prefix="$artifacts/" > "$log" 2>&1; then
        crashes=0
    else
        crashes=$(find "$artifacts" -type f | wc -l)
        status=1
    fi
    stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$last")
    corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<< "$last")
    printf '%-20s %10s %8s %6s %7s %6s %s\n' "$t" "$(stat number_of_executed_units)" "$(stat average_exec_per_sec)" \
        "${cov:-?}" "${ft:-?}" "${corp:-?}" "$crashes"
    [[ $crashes == 0 ]] || echo "  $t: see $log and $artifacts/" >&2
done
exit $status
