#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what is missing, then configures and builds the project into build/ (Release, Ninja).
# Extra arguments go to CMake, e.g. scripts/build.sh -DFT_BUILD_GUI=OFF
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
build="${FT_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
# Two jobs at most: one torch translation unit needs about 1 GB of memory and 15 s to compile.
cmake --build "$build" -j "${FT_JOBS:-2}"
