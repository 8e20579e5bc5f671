#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# README command 2 (and CI, through .ci/run): set up, check the layout of the changed files, build with warnings
# as errors, and run the whole test suite.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/check-format.sh"
"$root/scripts/build.sh" -DFT_WERROR=ON
build="${FT_BUILD_DIR:-$root/build}"
export QT_QPA_PLATFORM=offscreen
cd "$build"
ctest --output-on-failure -j 2 "$@"
