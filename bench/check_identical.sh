#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Checks that a change leaves the numbers alone: trains the Fashion-MNIST presets with a given freetickets binary
# and compares their summary JSONs with earlier ones, field by field and bit for bit (every number as written),
# ignoring only the fields named in IGNORED below. Prints one verdict per preset and exits 1 if any differs.
#
#   bench/check_identical.sh train BINARY DIR [PRESET...]    # DIR/PRESET.json for each preset
#   bench/check_identical.sh compare BEFORE_DIR AFTER_DIR [PRESET...]
#   bench/check_identical.sh BINARY BEFORE_DIR AFTER_DIR [PRESET...]   # train into AFTER_DIR, then compare
#
# Same machine, same BLAS and the same thread count on both sides (the presets use every core; FT_THREADS=N adds
# --set threads=N to every run). Each run records into its own store under DIR/xdg, never the user's.
set -euo pipefail

PRESETS_DEFAULT=(fashion-dense fashion-deep-ensemble fashion-dst-ensemble fashion-edst)
# Wall-clock fields: they measure the machine, not the computation. The summary holds no paths.
IGNORED=(run.seconds run.eval_seconds run.live_eval_seconds)

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

train() {
    local bin=$1 dir=$2; shift 2
    mkdir -p "$dir"
    # Idle OpenMP threads sleep instead of spinning: the numbers stay the same, and on a shared machine the
    # spinning threads of one run no longer slow down everything else (and the run itself) several times over.
    export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
    local extra=()
    [[ -n "${FT_THREADS:-}" ]] && extra=(--set "threads=$FT_THREADS")
    for p in "$@"; do
        echo "train $p -> $dir/$p.json" >&2
        XDG_DATA_HOME="$dir/xdg" "$bin" train "$p" --out "$dir/$p.json" -q "${extra[@]}" > "$dir/$p.log" 2>&1 ||
            { echo "$p: training failed, see $dir/$p.log" >&2; return 1; }
    done
}

compare() {
    local before=$1 after=$2; shift 2
    /usr/bin/python3 - "$before" "$after" "${IGNORED[*]}" "$@" <<'PY'
import json, sys
before, after, ignored, presets = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4:]

def drop(doc, dotted):
    *parents, leaf = dotted.split(".")
    for key in parents:
        doc = doc.get(key, {}) if isinstance(doc, dict) else {}
    if isinstance(doc, dict):
        doc.pop(leaf, None)

def diff(a, b, path, out):
    # Numbers compare by their exact value and type (repr keeps every bit of a double, and -0.0 != 0.0).
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{path}{k}: only in {'after' if k in b else 'before'}")
            else:
                diff(a[k], b[k], f"{path}{k}.", out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path[:-1]}: {len(a)} vs {len(b)} entries")
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, f"{path}{i}.", out)
    elif type(a) is not type(b) or repr(a) != repr(b):
        out.append(f"{path[:-1]}: {a!r} -> {b!r}")

failed = False
for p in presets:
    try:
        docs = [json.load(open(f"{d}/{p}.json")) for d in (before, after)]
    except OSError as e:
        print(f"{p}: MISSING ({e})")
        failed = True
        continue
    for d in docs:
        for field in ignored:
            drop(d, field)
    out = []
    diff(docs[0], docs[1], "", out)
    if out:
        failed = True
        print(f"{p}: DIFFERENT ({len(out)} fields)")
        for line in out[:20]:
            print("   ", line)
    else:
        print(f"{p}: IDENTICAL (ignoring {', '.join(ignored)})")
sys.exit(1 if failed else 0)
PY
}

[[ $# -ge 1 ]] || usage
case "$1" in
    train) [[ $# -ge 3 ]] || usage; bin=$2 dir=$3; shift 3; (($#)) || set -- "${PRESETS_DEFAULT[@]}"
           train "$bin" "$dir" "$@" ;;
    compare) [[ $# -ge 3 ]] || usage; b=$2 a=$3; shift 3; (($#)) || set -- "${PRESETS_DEFAULT[@]}"
             compare "$b" "$a" "$@" ;;
    -h|--help) usage ;;
    *) [[ $# -ge 3 ]] || usage; bin=$1 b=$2 a=$3; shift 3; (($#)) || set -- "${PRESETS_DEFAULT[@]}"
       train "$bin" "$a" "$@" && compare "$b" "$a" "$@" ;;
esac
