#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs every Debian 12 package the project needs to build, run, test and package it.
# Packages already present are skipped, so a second run is quick and changes nothing.
#
#   scripts/install-deps.sh            # everything the build, the tests and the README's commands need
#   scripts/install-deps.sh qt-tsan    # that, and what scripts/build-tsan-qt.sh needs to build Qt from source
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config
  # core: LibTorch (CPU), its fast BLAS (the OpenMP build shares libgomp with torch), SQLite, zlib, JSON, CLI
  libtorch-dev libopenblas0-openmp libsqlite3-dev sqlite3 zlib1g-dev nlohmann-json3-dev libcli11-dev
  # GUI: Qt 6 widgets, SVG/PDF export, translations tools, QCustomPlot (Qt 6 build)
  qt6-base-dev qt6-base-dev-tools qt6-svg-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  libqt6opengl6-dev libqcustomplot-dev libqcustomplot2.1-qt6 libgl-dev
  # headless Qt tests need fonts, otherwise text renders as empty boxes
  fontconfig fonts-dejavu-core
  # the README's screenshots: a real X server, a window finder and a screen grabber (docs/screenshots/)
  xvfb xdotool imagemagick
  # data: Fashion-MNIST IDX files under /usr/share/datasets/fashion-mnist
  dataset-fashion-mnist
  # the Python comparison loop of bench/ (Debian's torch, run with /usr/bin/python3)
  python3-torch python3-numpy
  # packaging, and its checks (packaging/check-package.sh)
  dpkg-dev file lintian desktop-file-utils appstream man-db
  # core tests
  libgtest-dev
  # the Slurm executor's tests: a one-machine cluster (scripts/test-cluster.sh) with munge authentication
  slurm-wlm munge
  # fuzzing and sanitizers (scripts/run-fuzz.sh, scripts/run-sanitizers.sh): clang with libFuzzer's runtime
  clang-14 libclang-rt-14-dev
  # the habits checks: formatting (scripts/check-format.sh, part of run-tests.sh) and clang-tidy (HACKING.md)
  clang-format-14 clang-tidy-14
)
case ${1:-} in
  "") ;;
  # Qt's own build (scripts/build-tsan-qt.sh): the system libraries Debian builds it against, and the source fetch
  qt-tsan) packages+=(curl xz-utils patch libpcre2-dev libdouble-conversion-dev libharfbuzz-dev libfreetype-dev
                      libpng-dev libjpeg-dev libb2-dev libmd4c-dev libmd4c-html0-dev libzstd-dev libglib2.0-dev
                      libicu-dev libfontconfig-dev libxkbcommon-dev) ;;
  *) echo "install-deps: unknown group '$1' (expected none, or qt-tsan)" >&2; exit 2 ;;
esac

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive

# A machine whose last package install was cut short (a session stopped mid-install) has packages left unpacked
# or half-configured, and apt refuses every install until they are configured. Finish that first.
if [ -n "$(dpkg --audit 2>/dev/null)" ]; then
  echo "install-deps: finishing an interrupted package install (dpkg --configure -a)"
  "${sudo_cmd[@]}" dpkg --configure -a
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${#missing[@]} missing packages: ${missing[*]}"
# Refresh the package lists only when they are missing or older than a day.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
  "${sudo_cmd[@]}" apt-get update -q
fi
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
