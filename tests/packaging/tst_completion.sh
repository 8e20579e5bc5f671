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
# offered MODE "LINE" WORD...: completes LINE as a shell would on TAB; MODE "all": every WORD must be offered,
# "none": none of them may be.
offered() {
    local mode=$1 line=$2
    shift 2
    COMP_LINE=$line
    COMP_POINT=${#line}
    COMPREPLY=()
    _freetickets
    local word found candidate
    for word in "$@"; do
        found=0
        # Compared in the shell: `printf | grep -q` under pipefail failed now and then, when grep had found the
        # word and quit before printf finished writing (printf's broken pipe failed the pipeline).
        for candidate in "${COMPREPLY[@]}"; do
            [[ $candidate == "$word" ]] && found=1 && break
        done
        if [[ $mode == all && $found == 0 ]]; then
            echo "FAIL: '$line<TAB>' does not offer '$word'; it offers: ${COMPREPLY[*]:-nothing}"
            failures=$((failures + 1))
        elif [[ $mode == none && $found == 1 ]]; then
            echo "FAIL: '$line<TAB>' offers '$word'"
            failures=$((failures + 1))
        fi
    done
}
complete_line() { offered all "$@"; }
refuse() { offered none "$@"; }

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
