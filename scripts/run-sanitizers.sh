#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds test executables with a sanitizer (presets asan: ASan + UBSan, build-asan/; tsan: TSan, build-tsan/) and
# runs their CTest tests there. Only our code is instrumented (torch, SQLite are Debian's), and under TSan Qt too:
# the first tsan run builds it (scripts/build-tsan-qt.sh, 1-2 hours on 2 cores). Too slow for CI on 2 cores (each
# tree compiles the core again, ~2-3x slower than a release build), so it runs from here.
#
#   scripts/run-sanitizers.sh asan                 # the core and store tests (about 15 min on 2 cores)
#   scripts/run-sanitizers.sh asan all             # everything: the whole suite (well over an hour)
#   scripts/run-sanitizers.sh tsan                 # the threaded tests: store writer and follower, GUI bridge,
#                                                  # training session (workbench end to end)
#   scripts/run-sanitizers.sh asan tst_store ...   # these targets only
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kind=${1:-}
shift || true
case $kind in
    asan) defaults=(tst_store tst_config tst_plan tst_cli_text tst_eval) ;;
    tsan) defaults=(tst_store tst_gui_bridge tst_store_follower tst_workbench_e2e) ;;
    *) sed -n '3,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${defaults[@]}")
cd "$root"
"$root/scripts/install-deps.sh"
if [[ $kind == tsan ]]; then
    # Qt's side of every hand-over between threads (queued signals, shared strings and images) is only visible to
    # TSan in a Qt built with it: scripts/build-tsan-qt.sh, once (HACKING.md, "Fuzzing and sanitizers"). Qt Svg,
    # QCustomPlot and the translation tools stay Debian's, found past that Qt.
    "$root/scripts/build-tsan-qt.sh"
    qt=$root/build-qt-tsan/install
    grep -qx "Qt6_DIR:[A-Z]*=$qt/lib/cmake/Qt6" build-tsan/CMakeCache.txt 2> /dev/null || rm -f build-tsan/CMakeCache.txt
    cmake --preset tsan -DCMAKE_PREFIX_PATH="$qt" -DQt6_DIR:PATH="$qt/lib/cmake/Qt6" \
        -DQT_DISABLE_NO_DEFAULT_PATH_IN_QT_PACKAGES=ON -DFT_BUILD_GUI=ON > /dev/null
fi
[[ -f build-$kind/CMakeCache.txt ]] || cmake --preset "$kind" > /dev/null
if [[ ${targets[0]} == all ]]; then
    cmake --build "build-$kind" -j2
    exec ctest --preset "$kind"
fi
cmake --build "build-$kind" -j2 --target "${targets[@]}"
# The CTest names of the targets: a GoogleTest executable registers one test per case, so select by executable.
regex=$(ctest --test-dir "build-$kind" --show-only=json-v1 | /usr/bin/python3 -c '
import json, os, sys
wanted = set(sys.argv[1:])
names = [t["name"] for t in json.load(sys.stdin)["tests"]
         if os.path.basename(t.get("command", [""])[0]) in wanted]
print("^(" + "|".join(n.replace(".", "[.]") for n in names) + ")$" if names else "^$")' "${targets[@]}")
exec ctest --preset "$kind" -R "$regex"
