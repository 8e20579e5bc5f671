#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the .deb from a build folder and checks it as Debian and a user would:
#   1. lintian: no error; every warning that remains is named, with its reason, in packaging/README.md
#   2. the desktop entry (desktop-file-validate) and the AppStream metainfo (appstreamcli validate --no-net):
#      clean, hints included
#   3. the control file: a licence file and man pages inside, dependencies computed by dpkg-shlibdeps
#   4. installed with `apt install ./FILE.deb` (as root; otherwise unpacked into a folder), it works from there:
#      freetickets --version, a headless spirals-teach run, the workbench taking an offscreen screenshot,
#      the man pages and the bash completion
# and removes the package again if it installed it.
#   packaging/check-package.sh [BUILD_DIR]      (FT_PACKAGE_INSTALL=0: never install, always unpack)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
work=$(mktemp -d /tmp/ft-package.XXXXXX)
installed_here=0
cleanup() {
    if ((installed_here)); then
        DEBIAN_FRONTEND=noninteractive apt-get remove -y -q freetickets-workbench > /dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}
step() { echo "== $*"; }

step "cpack"
(cd "$build" && cpack -G DEB > "$work/cpack.log" 2>&1) || {
    cat "$work/cpack.log" >&2
    exit 1
}
deb=$(ls -t "$build"/freetickets-workbench_*.deb | head -1)
echo "$deb ($(du -h "$deb" | cut -f1))"

step "lintian"
lintian --tag-display-limit 0 "$deb" > "$work/lintian.txt" 2>&1 || true
cat "$work/lintian.txt"
if grep -q '^E: ' "$work/lintian.txt"; then fail "lintian reports errors"; fi
while read -r tag; do
    grep -q -- "\`$tag\`" "$root/packaging/README.md" ||
        fail "lintian warning '$tag' is not explained in packaging/README.md"
done < <(sed -n 's/^W: [^ ]*: \([^ ]*\).*/\1/p' "$work/lintian.txt" | sort -u)

step "contents"
dpkg-deb -x "$deb" "$work/root"
for f in usr/bin/freetickets usr/bin/freetickets-workbench usr/share/doc/freetickets-workbench/copyright \
    usr/share/doc/freetickets-workbench/changelog.gz usr/share/man/man1/freetickets.1.gz \
    usr/share/man/man1/freetickets-workbench.1.gz usr/share/bash-completion/completions/freetickets \
    usr/share/applications/io.github.freetickets.Workbench.desktop \
    usr/share/metainfo/io.github.freetickets.Workbench.metainfo.xml; do
    [[ -e "$work/root/$f" ]] || fail "the package has no /$f"
done
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
# Computed by dpkg-shlibdeps: versioned entries for the libraries the programs link.
for lib in libc6 libtorch libqcustomplot libqt6widgets6 libsqlite3; do
    [[ "$depends" == *"$lib"* ]] || fail "Depends lacks $lib (is dpkg-shlibdeps running?)"
done
grep -q '^License: GPL-3.0-or-later' "$work/root/usr/share/doc/freetickets-workbench/copyright" ||
    fail "the copyright file does not name GPL-3.0-or-later"

step "desktop entry and AppStream"
out=$(desktop-file-validate "$work/root/usr/share/applications/io.github.freetickets.Workbench.desktop" 2>&1) || true
[[ -z "$out" ]] || fail "desktop-file-validate: $out"
out=$(appstreamcli validate --no-net "$work/root/usr/share/metainfo/io.github.freetickets.Workbench.metainfo.xml" 2>&1) ||
    true
echo "$out"
grep -q "Validation was successful" <<< "$out" || fail "appstreamcli validate failed"
if grep -qE '^[IWE]: ' <<< "$out"; then fail "appstreamcli reports hints, warnings or errors"; fi

step "install"
prefix=/usr
if [[ $(id -u) -eq 0 && "${FT_PACKAGE_INSTALL:-1}" != 0 ]]; then
    if dpkg-query -W -f='${Status}' freetickets-workbench 2> /dev/null | grep -q "install ok installed"; then
        echo "freetickets-workbench is already installed; it is replaced and left installed"
    else
        installed_here=1
    fi
    cp "$deb" "$work/"
    (cd "$work" && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        "./$(basename "$deb")") > "$work/apt.log" 2>&1 || {
        cat "$work/apt.log" >&2
        fail "apt install ./$(basename "$deb") failed"
        exit 1
    }
    tail -2 "$work/apt.log"
else
    echo "not root (or FT_PACKAGE_INSTALL=0): running the unpacked package instead"
    prefix=$work/root/usr
fi

step "use it"
export HOME=$work/home XDG_DATA_HOME=$work/home/.local/share XDG_CONFIG_HOME=$work/home/.config
mkdir -p "$HOME"
cd "$work"
version=$("$prefix/bin/freetickets" --version)
echo "$version"
[[ "$version" == "freetickets 0."* ]] || fail "freetickets --version printed '$version'"
if "$prefix/bin/freetickets" train spirals-teach -q > "$work/train.txt" 2> "$work/train.err"; then
    grep -q "ensemble" "$work/train.txt" || fail "the spirals-teach run printed no result table"
    tail -4 "$work/train.txt"
else
    cat "$work/train.err" >&2
    fail "freetickets train spirals-teach failed"
fi
QT_QPA_PLATFORM=offscreen "$prefix/bin/freetickets-workbench" --preset spirals-teach --set train.epochs=7 \
    --set edst.explore_epochs=1 --run --quit-when-done --screenshot "$work/shot.png" > "$work/gui.log" 2>&1 ||
    { cat "$work/gui.log" >&2; fail "the workbench failed"; }
if [[ -s "$work/shot.png" ]] && file "$work/shot.png" | grep -q "PNG image"; then
    file "$work/shot.png"
else
    fail "the workbench wrote no screenshot"
fi
if [[ "$prefix" == /usr ]]; then
    man -w freetickets > /dev/null 2>&1 || fail "man freetickets: no page"
    man -w freetickets-workbench > /dev/null 2>&1 || fail "man freetickets-workbench: no page"
fi
completion=$prefix/share/bash-completion/completions/freetickets
out=$(PATH="$prefix/bin:$PATH" bash -c "source '$completion'; COMP_LINE='freetickets train --preset spi';
    COMP_POINT=\${#COMP_LINE}; _freetickets; echo \"\${COMPREPLY[*]}\"")
[[ "$out" == *spirals-teach* ]] || fail "the installed bash completion offers '$out' for --preset spi"

if ((failures)); then
    echo "check-package: $failures checks failed" >&2
    exit 1
fi
echo "check-package: all checks passed ($deb)"
