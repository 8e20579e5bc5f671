#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The bash completion of freetickets as a shell would drive it: a command line typed so far, TAB, the candidates.
#   tst_completion.sh FREETICKETS_BINARY COMPLETION_SCRIPT
set -uo pipefail
binary=$1
script=$2
export PATH="$(dirname "$binary"):$PATH"
# shellcheck source=/dev/null
source "$script"
COMP_WORDBREAKS=$' \t\n"\'><=;|&(:'

failures=0
# complete "LINE" WANTED...: every WANTED word must be among the candidates.
complete_line() {
    local line=$1
    shift
    COMP_LINE=$line
    COMP_POINT=${#line}
    COMPREPLY=()
    _freetickets
    local want
    for want in "$@"; do
        if ! printf '%s\n' "${COMPREPLY[@]}" | grep -qxF -- "$want"; then
            echo "FAIL: '$line<TAB>' does not offer '$want'; it offers: ${COMPREPLY[*]:-nothing}"
            failures=$((failures + 1))
        fi
    done
}
# refuse "LINE" UNWANTED...: none of UNWANTED may be offered.
refuse() {
    local line=$1
    shift
    COMP_LINE=$line
    COMP_POINT=${#line}
    COMPREPLY=()
    _freetickets
    local bad
    for bad in "$@"; do
        if printf '%s\n' "${COMPREPLY[@]}" | grep -qxF -- "$bad"; then
            echo "FAIL: '$line<TAB>' offers '$bad'"
            failures=$((failures + 1))
        fi
    done
}

complete_line "freetickets " train resume presets settings runs eval compare export bench
complete_line "freetickets tr" train
refuse "freetickets tr" runs
complete_line "freetickets train fashion-e" fashion-edst
complete_line "freetickets train --" --set --preset --out --db --no-db --dry-run
complete_line "freetickets train --preset spi" spirals-teach
complete_line "freetickets train --set sparse.dens" sparse.density=
complete_line "freetickets train fashion-edst --set sparse.growth=" gradient random momentum
complete_line "freetickets train --set model.name=lenet" lenet5 lenet300-100
complete_line "freetickets train --set eval.true_bins=" true false
complete_line "freetickets presets " list show
complete_line "freetickets presets show fashion-d" fashion-dense fashion-deep-ensemble
complete_line "freetickets runs d" diff delete
refuse "freetickets runs d" list
complete_line "freetickets runs list --" --db
complete_line "freetickets export 3 --" --tickets --db
complete_line "freetickets compare 1 2 --format m" markdown
complete_line "freetickets settings --choices sparse.g" sparse.growth

if ((failures)); then
    echo "$failures completion checks failed"
    exit 1
fi
echo "completion: all checks passed"
