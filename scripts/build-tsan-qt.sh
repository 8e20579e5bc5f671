#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds Debian's own Qt (qtbase 6.4.2+dfsg-10, the version the workbench links) with ThreadSanitizer into
# build-qt-tsan/, for scripts/run-sanitizers.sh tsan. Debian's Qt is not instrumented: its QMutex waits on futexes
# and its atomics are compiled into the library, so TSan sees neither side of a hand-over that Qt makes (a queued
# signal, a QString shared between threads) and reports a race on every one. Built with -fsanitize=thread, Qt's
# mutexes and atomics are TSan's atomics and the hand-overs are seen.
#
#   scripts/build-tsan-qt.sh      # about 1.5-2 hours on 2 cores the first time; nothing to do afterwards
#
# The sources come from Debian's archive (the same tarballs Debian builds its package from, checked against the
# SHA-256 sums of the package's .dsc) with Debian's patches applied. Only what the workbench uses is configured:
# Core, Gui, Widgets, PrintSupport, Test and the offscreen platform. Qt Svg and QCustomPlot stay Debian's; they load
# this Qt (same version, same symbol versions) and run uninstrumented, so a race inside them would go unseen.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/build-qt-tsan
prefix=$out/install
[[ -f $prefix/lib/cmake/Qt6/Qt6Config.cmake ]] && { echo "build-tsan-qt: $prefix is built"; exit 0; }

"$root/scripts/install-deps.sh" qt-tsan

pool=http://deb.debian.org/debian/pool/main/q/qt6-base
sources=(
  "qt6-base_6.4.2+dfsg.orig.tar.xz 4f14b89a9463a540fd84a6718b8519a2297119b454ef547721015a9e9019ae9e"
  "qt6-base_6.4.2+dfsg-10.debian.tar.xz d1a2621b1acb1606db7274ccdb96654564cea04af836c5b86da94e150714d16c"
)
mkdir -p "$out/download"
for entry in "${sources[@]}"; do
  read -r file sum <<< "$entry"
  if [[ ! -f $out/download/$file ]]; then
    echo "build-tsan-qt: downloading $file"
    curl -fsS -o "$out/download/$file.part" "$pool/$file"
    mv "$out/download/$file.part" "$out/download/$file"
  fi
  if ! echo "$sum  $out/download/$file" | sha256sum -c --quiet -; then
    echo "build-tsan-qt: $out/download/$file does not have the SHA-256 of Debian's .dsc ($sum); delete it and rerun" >&2
    exit 1
  fi
done

src=$out/qtbase-everywhere-src-6.4.2
if [[ ! -f $src/.patched ]]; then
  rm -rf "$src"
  tar -C "$out" -xf "$out/download/${sources[0]%% *}"
  tar -C "$src" -xf "$out/download/${sources[1]%% *}"
  while read -r patch; do
    [[ -z $patch || $patch == \#* ]] && continue
    patch -d "$src" -p1 -s < "$src/debian/patches/$patch"
  done < "$src/debian/patches/series"
  touch "$src/.patched"
fi

# RelWithDebInfo: TSan's reports need Qt's frames by name and line.
if [[ ! -f $out/build/CMakeCache.txt ]]; then
  cmake -G Ninja -S "$src" -B "$out/build" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX="$prefix" \
    -DFEATURE_sanitize_thread=ON -DBUILD_WITH_PCH=ON \
    -DQT_BUILD_EXAMPLES=OFF -DQT_BUILD_TESTS=OFF -DQT_BUILD_BENCHMARKS=OFF \
    -DFEATURE_dbus=OFF -DFEATURE_sql=OFF -DFEATURE_network=OFF -DFEATURE_concurrent=OFF \
    -DFEATURE_opengl=OFF -DFEATURE_vulkan=OFF -DFEATURE_xcb=OFF -DFEATURE_xlib=OFF -DFEATURE_cups=OFF \
    -DFEATURE_eglfs=OFF -DFEATURE_linuxfb=OFF -DFEATURE_vnc=OFF -DFEATURE_libinput=OFF -DFEATURE_evdev=OFF \
    -DFEATURE_tslib=OFF -DFEATURE_mtdev=OFF -DFEATURE_gtk3=OFF -DFEATURE_lttng=OFF -DFEATURE_journald=OFF \
    -DFEATURE_androiddeployqt=OFF -DFEATURE_qmake=OFF -DFEATURE_sql_sqlite=OFF \
    -DFEATURE_system_pcre2=ON -DFEATURE_system_doubleconversion=ON -DFEATURE_system_harfbuzz=ON \
    -DFEATURE_system_freetype=ON -DFEATURE_system_png=ON -DFEATURE_system_jpeg=ON -DFEATURE_system_zlib=ON \
    -DFEATURE_system_libb2=ON -DFEATURE_system_md4c=ON
fi
cmake --build "$out/build" -j"$(nproc)"
cmake --install "$out/build" > /dev/null
echo "build-tsan-qt: Qt with TSan installed in $prefix"
