#!/usr/bin/env bash
# Checks that every C++ file a change touches is laid out as .clang-format says, in the folders formatted so far
# (core/, app/cli/, tests/core/, tests/app/ except tests/app/workbench/; widgets/ and app/workbench/ join once they
# are formatted). "A change" is everything that differs from the merge base with main: committed, staged,
# unstaged and new files. Prints each file that differs and how to fix it; exits 1 if any does.
#   scripts/check-format.sh            # against the merge base with main (FT_FORMAT_BASE=<rev> picks another)
#   scripts/check-format.sh --fix      # rewrite those files in place
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

formatter=$(command -v clang-format-14 || command -v clang-format || true)
if [[ -z "$formatter" ]]; then
    echo "check-format: clang-format is missing (scripts/install-deps.sh installs clang-format-14)" >&2
    exit 1
fi
if ! git rev-parse --git-dir > /dev/null 2>&1; then
    echo "check-format: not a git checkout, nothing to compare against; skipped"
    exit 0
fi
base=${FT_FORMAT_BASE:-}
if [[ -z "$base" ]]; then
    for ref in origin/main main; do
        if git rev-parse --verify -q "$ref" > /dev/null; then
            base=$(git merge-base HEAD "$ref")
            break
        fi
    done
fi
if [[ -z "$base" ]]; then
    echo "check-format: no main branch to compare against; skipped (set FT_FORMAT_BASE=<rev>)"
    exit 0
fi

scope=(core app/cli tests/core tests/app ':(exclude)tests/app/workbench')
mapfile -t files < <({
    git diff --name-only --diff-filter=ACMR "$base" -- "${scope[@]}"
    git ls-files --others --exclude-standard -- "${scope[@]}"
} | grep -E '\.(cpp|h)$' | sort -u)

if ((${#files[@]} == 0)); then
    echo "check-format: no C++ files changed in the formatted folders since ${base:0:12}"
    exit 0
fi
if [[ "${1:-}" == "--fix" ]]; then
    "$formatter" -i "${files[@]}"
    echo "check-format: formatted ${#files[@]} files"
    exit 0
fi
bad=()
for f in "${files[@]}"; do
    if ! "$formatter" --dry-run --Werror "$f" > /dev/null 2>&1; then bad+=("$f"); fi
done
if ((${#bad[@]})); then
    printf 'check-format: not formatted as .clang-format says:\n' >&2
    printf '  %s\n' "${bad[@]}" >&2
    echo "fix with: scripts/check-format.sh --fix   (or: $formatter -i FILE)" >&2
    exit 1
fi
echo "check-format: ${#files[@]} changed files formatted (against ${base:0:12})"
