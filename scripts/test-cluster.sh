#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A real single-node Slurm cluster on this machine, for the Slurm executor's tests and for trying studies by hand.
#   scripts/test-cluster.sh start     # munged, slurmctld and slurmd; waits until the node is idle
#   scripts/test-cluster.sh status    # which daemons run, and sinfo
#   scripts/test-cluster.sh stop      # cancels the jobs, stops every daemon it started
# Everything (slurm.conf, the munge key, state, spool, logs, pid files) lives in one folder:
#   FT_CLUSTER_DIR      default /tmp/freetickets-cluster
#   FT_CLUSTER_PORT     slurmctld's port, slurmd takes the next one; default 6817. Two clusters on one machine
#                       (two build trees) need two ports: the tests derive one from their build folder.
#   FT_CLUSTER_TIMEOUT  seconds `start` waits for the node to be idle; default 60
# Runs as root (slurmd must start jobs as their user) and never uses systemd: the daemons are started and stopped
# here by their pid files. Needs slurm-wlm and munge (scripts/install-deps.sh).
set -euo pipefail

dir=${FT_CLUSTER_DIR:-/tmp/freetickets-cluster}
port=${FT_CLUSTER_PORT:-6817}
timeout=${FT_CLUSTER_TIMEOUT:-60}
conf=$dir/slurm.conf
munge_socket=$dir/munge/munge.socket
node=$(hostname -s)

die() {
    echo "test-cluster: $*" >&2
    exit 1
}

# A pid from a pid file, only if that process is still the program named (a stale file's pid may be reused).
live_pid() {
    local file=$1 program=$2 pid
    [[ -f "$file" ]] || return 1
    pid=$(cat "$file" 2> /dev/null) || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    [[ "$(cat "/proc/$pid/comm" 2> /dev/null)" == "$program" ]] || return 1
    echo "$pid"
}

# Stops daemons by their pid files ("program:file" each): SIGTERM to all at once (each takes 1-2 s to save its
# state and exit), then SIGKILL to any still there after 10 s.
stop_daemons() {
    local entry pid pids=()
    for entry in "$@"; do
        pid=$(live_pid "${entry#*:}" "${entry%%:*}") || continue
        kill -TERM "$pid" 2> /dev/null || true
        pids+=("$pid:${entry%%:*}")
    done
    for _ in $(seq 100); do
        local left=()
        for entry in "${pids[@]}"; do [[ -d "/proc/${entry%%:*}" ]] && left+=("$entry"); done
        ((${#left[@]} == 0)) && break
        sleep 0.1
    done
    for entry in "${pids[@]}"; do
        if [[ -d "/proc/${entry%%:*}" ]]; then
            echo "test-cluster: ${entry#*:} (pid ${entry%%:*}) ignored SIGTERM for 10 s; killing it" >&2
            kill -KILL "${entry%%:*}" 2> /dev/null || true
        fi
    done
    for entry in "$@"; do rm -f "${entry#*:}"; done
}

log_tail() {
    local f
    for f in "$dir/log/slurmctld.log" "$dir/log/slurmd.log" "$dir/munge/munged.log"; do
        # Debian's build names PMIx plugins it cannot load: three harmless error lines at every start, left out.
        [[ -f "$f" ]] && { echo "--- last lines of $f:"; grep -v -e 'pmix' -e 'MPI: Cannot create context' "$f" | tail -n 12; }
    done
}

check_tools() {
    local p
    for p in munged mungekey slurmctld slurmd sinfo scontrol squeue scancel; do
        command -v "$p" > /dev/null || die "'$p' is missing; scripts/install-deps.sh installs slurm-wlm and munge"
    done
    [[ "$(id -u)" -eq 0 ]] || die "must run as root (slurmd starts each job as its user); this is uid $(id -u)"
    [[ "$port" =~ ^[0-9]+$ ]] && ((port > 0 && port < 65535)) || die "FT_CLUSTER_PORT is '$port', expected 1-65534"
    # Unix socket paths (munge's, slurmd's per-step ones in the spool) are limited to 107 bytes.
    ((${#dir} <= 70)) || die "FT_CLUSTER_DIR '$dir' is ${#dir} characters; at most 70 leave room for socket names"
}

write_conf() {
    # The node as slurmd itself measures it: a node configured with more CPUs or memory than it has is drained.
    local hw
    hw=$(slurmd -C | head -n 1 | sed -e 's/^NodeName=[^ ]* //')
    local cpus mem
    cpus=$(sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' <<< "$hw")
    mem=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<< "$hw")
    [[ -n "$cpus" && -n "$mem" ]] || die "could not read CPUs and RealMemory from 'slurmd -C': $hw"
    cat > "$conf" << EOF
# Written by scripts/test-cluster.sh; rewritten at every start.
ClusterName=freetickets
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$munge_socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
# No cgroups (no systemd, maybe inside a container): processes are tracked by their parent ids.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
# Memory is a consumable resource, so --mem is enforced: the accounting poll (every second) kills a job above it.
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=$((mem / cpus / 2))
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=task=1
JobAcctGatherParams=OverMemoryKill
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
# Finished jobs stay visible to scontrol for two minutes (there is no sacct without slurmdbd).
MinJobAge=120
# scancel and time limits send SIGTERM, then SIGKILL 5 s later: time for a program to checkpoint.
KillWait=5
SlurmdTimeout=60
NodeName=$node NodeAddr=127.0.0.1 $hw State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
}

start_munge() {
    live_pid "$dir/munge/munged.pid" munged > /dev/null && return 0
    # munged refuses a socket folder others cannot enter and a key others can read.
    mkdir -p "$dir/munge/key"
    chmod 755 "$dir/munge"
    chmod 700 "$dir/munge/key"
    [[ -f "$dir/munge/key/munge.key" ]] || mungekey --create --keyfile="$dir/munge/key/munge.key"
    munged --key-file="$dir/munge/key/munge.key" --socket="$munge_socket" --pid-file="$dir/munge/munged.pid" \
        --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed" ||
        die "munged did not start; $(tail -n 3 "$dir/munge/munged.log" 2> /dev/null)"
}

cmd_status() {
    local quiet=${1:-} running=0 p
    for p in munged:munge/munged.pid slurmctld:slurmctld.pid slurmd:slurmd.pid; do
        if pid=$(live_pid "$dir/${p#*:}" "${p%%:*}"); then
            running=$((running + 1))
            [[ -n "$quiet" ]] || echo "${p%%:*}: running (pid $pid)"
        else
            [[ -n "$quiet" ]] || echo "${p%%:*}: not running"
        fi
    done
    if [[ -z "$quiet" && -f "$conf" ]] && ((running == 3)); then SLURM_CONF=$conf sinfo || true; fi
    ((running == 3))
}

# The job steps slurmd runs: each slurmstepd listens on a socket <node>_<job>.<step> in the spool.
running_steps() {
    local f out=()
    for f in "$dir/spool/${node}"_*; do [[ -S "$f" ]] && out+=("${f##*/}"); done
    echo "${out[*]}"
}

node_state() { SLURM_CONF=$conf sinfo -h -n "$node" -o %T 2> /dev/null | head -n 1 || true; }

cmd_start() {
    check_tools
    if cmd_status quiet && [[ "$(node_state)" == idle* || "$(node_state)" == mixed* || "$(node_state)" == alloc* ]]; then
        echo "test-cluster: already running in $dir"
    else
        # Half-started leftovers (a daemon died) are stopped, so the config below is the one they read.
        cmd_stop quiet
        # Another cluster on these ports would answer our sinfo (and refuse our munge key); say so at once.
        local p
        for p in "$port" "$((port + 1))"; do
            if (exec 3<> "/dev/tcp/127.0.0.1/$p") 2> /dev/null; then
                die "port $p is in use (another cluster, or another build tree's?); choose others with FT_CLUSTER_PORT"
            fi
        done
        mkdir -p "$dir/state" "$dir/spool" "$dir/log"
        write_conf
        start_munge
        slurmctld -f "$conf" || { log_tail >&2; die "slurmctld did not start"; }
        slurmd -f "$conf" -N "$node" || { log_tail >&2; die "slurmd did not start"; }
        local started=$SECONDS deadline=$((SECONDS + timeout)) state=""
        while ((SECONDS < deadline)); do
            state=$(node_state)
            [[ "$state" == idle ]] && break
            if ! live_pid "$dir/slurmctld.pid" slurmctld > /dev/null || ! live_pid "$dir/slurmd.pid" slurmd > /dev/null; then
                state="without a daemon (slurmctld or slurmd exited)"
                break
            fi
            sleep 0.5
        done
        if [[ "$state" != idle ]]; then
            log_tail >&2
            SLURM_CONF=$conf sinfo -R >&2 || true
            cmd_stop quiet
            die "node $node is '${state:-not known to sinfo}' after $((SECONDS - started)) s, expected idle (logs above); stopped the cluster"
        fi
        echo "test-cluster: started in $dir (node $node, partition debug, port $port)"
    fi
    echo "Use it with:"
    echo "    export SLURM_CONF=$conf"
    echo "    sinfo; sbatch --wrap 'hostname'; squeue"
}

cmd_stop() {
    local quiet=${1:-}
    [[ -d "$dir" ]] || { [[ -n "$quiet" ]] || echo "test-cluster: nothing in $dir"; return 0; }
    # Jobs first: slurmstepd and the job's processes outlive slurmd, so they are cancelled while the controller
    # still answers, and we wait until their step sockets are gone from the spool.
    if live_pid "$dir/slurmctld.pid" slurmctld > /dev/null && live_pid "$dir/slurmd.pid" slurmd > /dev/null; then
        local jobs
        jobs=$(SLURM_CONF=$conf squeue -h -o %i 2> /dev/null | tr '\n' ' ') || true
        if [[ -n "${jobs// /}" ]]; then
            # shellcheck disable=SC2086 # one word per job id
            SLURM_CONF=$conf scancel --signal=KILL --full $jobs 2> /dev/null || true
            SLURM_CONF=$conf scancel $jobs 2> /dev/null || true
        fi
        for _ in $(seq 100); do
            [[ -z "$(running_steps)" ]] && break
            sleep 0.1
        done
    fi
    local steps
    steps=$(running_steps)
    [[ -z "$steps" ]] || echo "test-cluster: job steps still running after 10 s: $steps" >&2
    stop_daemons "slurmd:$dir/slurmd.pid" "slurmctld:$dir/slurmctld.pid" "munged:$dir/munge/munged.pid"
    [[ -n "$quiet" ]] || echo "test-cluster: stopped (state and logs stay in $dir)"
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status || exit 1 ;;
    *)
        echo "usage: $0 start|stop|status   (folder: FT_CLUSTER_DIR=$dir, port: FT_CLUSTER_PORT=$port)" >&2
        exit 2
        ;;
esac
