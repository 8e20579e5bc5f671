#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Kill soak: kills a training process with SIGKILL N times at random moments (start-up, opening the store,
# restoring a checkpoint, mid-epoch, writing a checkpoint) and resumes it each time with `freetickets resume RUN
# --db STORE`. After every kill the store must pass PRAGMA integrity_check and keep every row it had; every run
# that reaches its end (and the last one, resumed to the end after the N-th kill) must end with the summary of an
# uninterrupted run, number for number (bench/check_identical.sh compare). Prints one line per kill and a verdict;
# exits 1 on the first broken promise.
#
#   bench/kill_soak.sh N [BINARY] [WORKDIR]
#
# BINARY defaults to build/app/cli/freetickets, WORKDIR to a new temporary folder (kept). SOAK_SEED (default 1)
# makes the kill moments repeatable, SOAK_MAX_DELAY (seconds, default 4) is the latest kill after a start, and
# SOAK_SETS replaces the --set options that shorten fashion-edst (one thread, so resumed numbers are exact).
set -euo pipefail

[[ $# -ge 1 && $1 =~ ^[0-9]+$ ]] || { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
kills_wanted=$1
here=$(cd "$(dirname "$0")" && pwd)
bin=$(realpath "${2:-$here/../build/app/cli/freetickets}")
work=${3:-$(mktemp -d /tmp/kill-soak-XXXXXX)}
mkdir -p "$work/reference" "$work/soak"
RANDOM=${SOAK_SEED:-1}
max_delay_ms=$(awk -v s="${SOAK_MAX_DELAY:-4}" 'BEGIN { printf "%d", s * 1000 }')
read -r -a sets <<< "${SOAK_SETS:---set data.train_limit=1500 --set data.test_limit=500 --set train.epochs=9 \
--set edst.explore_epochs=3 --set eval.corruptions=none --set eval.ood_sets=none --set threads=1}"
export XDG_DATA_HOME="$work/xdg" OMP_WAIT_POLICY=PASSIVE
store="$work/soak.sqlite"
preset=fashion-edst

fail() { echo "kill_soak: FAILED: $*" >&2; exit 1; }
sql() { sqlite3 -readonly "$store" "$1"; }
now() { date +%s.%N; }

started=$(now)
echo "kill_soak: $kills_wanted kills, $bin, work in $work" >&2
"$bin" train "$preset" "${sets[@]}" --db "$work/reference.sqlite" --out "$work/reference/$preset.json" -q \
    > "$work/reference.log" 2>&1 || fail "the uninterrupted run failed, see $work/reference.log"
reference_seconds=$(awk -v a="$started" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')

# Compares a finished run's summary with the uninterrupted one.
check_finished() {
    cp "$1" "$work/soak/$preset.json"
    "$here/check_identical.sh" compare "$work/reference" "$work/soak" "$preset" > "$work/compare.log" 2>&1 ||
        { cat "$work/compare.log" >&2; fail "run $2 ended with other numbers than the uninterrupted run"; }
    finished_runs=$((finished_runs + 1))
}

run=0 kills=0 attempts=0 finished_runs=0 before_kill=0 last_rows=0 last_updates=0
while ((kills < kills_wanted)); do
    attempts=$((attempts + 1))
    rm -f "$work/attempt.json"
    if ((run == 0)); then
        "$bin" train "$preset" "${sets[@]}" --db "$store" --out "$work/attempt.json" -q > "$work/attempt.log" 2>&1 &
    else
        "$bin" resume "$run" --db "$store" --out "$work/attempt.json" -q > "$work/attempt.log" 2>&1 &
    fi
    pid=$!
    delay_ms=$(((RANDOM * 32768 + RANDOM) % (max_delay_ms + 1)))
    sleep "$(awk -v d="$delay_ms" 'BEGIN { printf "%.3f", d / 1000 }')"
    if kill -0 "$pid" 2> /dev/null; then
        kill -KILL "$pid"
        wait "$pid" 2> /dev/null && rc=0 || rc=$?  # without bash's "Killed" line
    else
        wait "$pid" && rc=0 || rc=$?
        # It ended before its kill: a run that reached its end must carry the uninterrupted run's numbers.
        [[ $rc -eq 0 ]] || fail "attempt $attempts (run $run) exited $rc by itself: $(tail -3 "$work/attempt.log")"
        [[ $run -ne 0 ]] || run=$(sql "SELECT max(id) FROM runs")
        check_finished "$work/attempt.json" "$run"
        echo "attempt $attempts: run $run finished before its kill, same numbers as uninterrupted" >&2
        run=0 last_rows=0 last_updates=0
        continue
    fi
    [[ $rc -eq 137 ]] || fail "attempt $attempts: expected the SIGKILL status 137, got $rc"
    kills=$((kills + 1))
    [[ -s $store ]] || { echo "kill $kills after ${delay_ms} ms: before the store was created" >&2; continue; }
    integrity=$(sql "PRAGMA integrity_check")
    [[ $integrity == ok ]] || fail "after kill $kills: integrity_check says $integrity"
    [[ $run -ne 0 ]] || run=$(sql "SELECT coalesce(max(id), 0) FROM runs WHERE status != 'finished'")
    rows=$(sql "SELECT count(*) FROM metrics WHERE run = $run")
    updates=$(sql "SELECT count(*) FROM mask_updates WHERE run = $run")
    ((rows >= last_rows && updates >= last_updates)) ||
        fail "after kill $kills: run $run lost rows (metrics $last_rows -> $rows, mask updates $last_updates -> $updates)"
    last_rows=$rows last_updates=$updates
    step=$(sql "SELECT coalesce(max(step), 0) FROM metrics WHERE run = $run")
    echo "kill $kills after ${delay_ms} ms: run $run at step $step, integrity ok, $rows metric rows" >&2
done

if ((run != 0)); then
    "$bin" resume "$run" --db "$store" --out "$work/attempt.json" -q > "$work/attempt.log" 2>&1 ||
        fail "the final resume of run $run failed: $(tail -3 "$work/attempt.log")"
    check_finished "$work/attempt.json" "$run"
fi
[[ $(sql "PRAGMA integrity_check") == ok ]] || fail "the final store fails integrity_check"
elapsed=$(awk -v a="$started" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }')
echo "kill_soak: ok: $kills SIGKILLs in $attempts starts, integrity_check ok after every kill, $finished_runs runs" \
    "finished with the uninterrupted run's numbers; uninterrupted run ${reference_seconds} s, soak ${elapsed} s"
