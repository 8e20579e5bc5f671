#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Checks that every C++ file of the tree (tracked, or new and not ignored) is laid out as .clang-format says.
# The whole tree is formatted and checking all of it takes seconds, so CI's clean checkout is held to it as
# much as a working copy with changes. Prints each file that differs and how to fix it; exits 1 if any does.
#   scripts/check-format.sh            # check
#   scripts/check-format.sh --fix      # rewrite the files that differ in place
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

formatter=$(command -v clang-format-14 || command -v clang-format || true)
if [[ -z "$formatter" ]]; then
    echo "check-format: clang-format is missing (scripts/install-deps.sh installs clang-format-14)" >&2
    exit 1
fi
if ! git rev-parse --git-dir > /dev/null 2>&1; then
    echo "check-format: not a git checkout, no list of the tree's files; skipped"
    exit 0
fi

mapfile -t files < <({
    git ls-files -- '*.cpp' '*.h'
    git ls-files --others --exclude-standard -- '*.cpp' '*.h'
} | sort -u | while read -r f; do [[ -f "$f" ]] && echo "$f"; done)

bad=()
for f in "${files[@]}"; do
    if ! "$formatter" --dry-run --Werror "$f" > /dev/null 2>&1; then bad+=("$f"); fi
done
if ((${#bad[@]} == 0)); then
    echo "check-format: ${#files[@]} C++ files formatted"
    exit 0
fi
if [[ "${1:-}" == "--fix" ]]; then
    "$formatter" -i "${bad[@]}"
    echo "check-format: formatted ${#bad[@]} files"
    exit 0
fi
printf 'check-format: not formatted as .clang-format says:\n' >&2
printf '  %s\n' "${bad[@]}" >&2
echo "fix with: scripts/check-format.sh --fix   (or: $formatter -i FILE)" >&2
exit 1
