#!/usr/bin/env bash
# CI's first stage: the README's two commands as a newcomer runs them, on a
# minimal Debian 12 root that has only git and make (debootstrap minbase).
#
#   1. a clean clone of the commit under test (HEAD of this checkout);
#   2. `make test` — installs every package it needs, builds, runs the whole
#      suite under CI=true (this is the suite's one plain run in CI);
#   3. the console started exactly as `make run` starts it, but offscreen:
#      `make run CONSOLE_ARGS="--screenshot F --quit-after 5"`, which must
#      exit 0 and write a PNG that is not blank;
#   4. the other Makefile targets' lists (bench, coverage, fuzz; asan and
#      tsan need nothing more) installed in the same root and every other
#      CMake preset configured there: a package CMake needs that a list
#      lacks fails here, as libqt6opengl6-dev once did. (Not built: the
#      sanitizer and fuzz builds are CI's later stages, on the host.)
#
# What is kept between runs, so the stage fits CI's time:
#   - the bare root (minbase + git + make + ca-certificates), rebuilt only
#     when BASE_RECIPE below changes; every run works on a fresh copy of it,
#     so every run installs the project's packages itself, as a newcomer does;
#   - downloaded .deb files (apt's archive cache, bind-mounted): installs
#     still run in full, they just do not download again;
#   - the ccache directory (bind-mounted): the root's compiler comes from the
#     same Debian package as the host's (same size and mtime), so objects
#     built on this machine are reused (Makefile: CCACHE_BASEDIR).
# Needs root (debootstrap, chroot, mount). Prints each step's time.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cache=${PULSCO_FRESH_ROOT_CACHE:-/var/cache/pulsco-fresh-root}
base=$cache/base
root=$cache/run
archives=$cache/apt-archives
ccache_dir=${CCACHE_DIR:-$HOME/.cache/ccache}
shot=${PULSCO_FRESH_ROOT_SCREENSHOT:-$cache/first-screen.png}
BASE_RECIPE="bookworm minbase + git make ca-certificates (1)"

say() { echo "== fresh-root: $*"; }
step_start=$SECONDS
done_step() {
    say "$1 in $((SECONDS - step_start)) s"
    step_start=$SECONDS
}

[[ $(id -u) -eq 0 ]] || { echo "fresh-root-test: needs root (debootstrap, chroot, mount)" >&2; exit 2; }
# `convert` must be ImageMagick's: a stand-in on PATH that hands over to
# /usr/bin/convert when it exists (as on the CI machine) cannot read the
# screenshot by itself.
have_tool() {
    if [[ $1 == convert ]]; then
        convert -version 2>/dev/null | grep -q ImageMagick
    else
        command -v "$1" >/dev/null
    fi
}
for tool in debootstrap convert; do
    if ! have_tool "$tool"; then
        pkg=$tool; [[ $tool == convert ]] && pkg=imagemagick
        say "installing $pkg on the host (the stage's own tool, not the project's)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null ||
            { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null; }
    fi
done

unmount_root() {
    local m
    # Deepest first; tolerate what is not mounted.
    for m in $(awk -v r="$root" '$2 ~ "^"r {print $2}' /proc/mounts | sort -r); do
        umount -l "$m" 2>/dev/null || true
    done
}
trap unmount_root EXIT

mkdir -p "$cache" "$archives" "$ccache_dir"
if [[ ! -f $base/.pulsco-recipe || $(cat "$base/.pulsco-recipe") != "$BASE_RECIPE" ]]; then
    say "building the bare root ($BASE_RECIPE)"
    mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    mirror=${mirror:-http://deb.debian.org/debian}
    rm -rf "$base.tmp" "$base"
    debootstrap --variant=minbase bookworm "$base.tmp" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
        { tail -n 20 "$cache/debootstrap.log"; echo "fresh-root-test: debootstrap failed" >&2; exit 3; }
    cp /etc/resolv.conf "$base.tmp/etc/resolv.conf"
    chroot "$base.tmp" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
        sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends git make ca-certificates >/dev/null && apt-get clean'
    echo "$BASE_RECIPE" >"$base.tmp/.pulsco-recipe"
    mv "$base.tmp" "$base"
    done_step "bare root built"
fi

unmount_root
rm -rf "$root"
cp -a "$base" "$root"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# No package's maintainer script may start a service from inside the root
# (nginx-light of the bench list would try): the standard chroot policy.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod +x "$root/usr/sbin/policy-rc.d"
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --rbind /dev "$root/dev"
mkdir -p "$root/var/cache/apt/archives" "$root/root/.cache/ccache"
mount --bind "$archives" "$root/var/cache/apt/archives"
mount --bind "$ccache_dir" "$root/root/.cache/ccache"
git clone -q --no-hardlinks "$here" "$root/root/pulsco"
git -C "$root/root/pulsco" checkout -q --detach "$(git -C "$here" rev-parse HEAD)"
say "fresh root at $root with a clean clone of $(git -C "$here" rev-parse --short HEAD); installed packages: $(chroot "$root" dpkg-query -W | wc -l)"
done_step "root prepared"

in_root() {
    chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        TERM=dumb LANG=C.UTF-8 CI=true DEBIAN_FRONTEND=noninteractive CCACHE_DIR=/root/.cache/ccache \
        bash -c "cd /root/pulsco && $1"
}

say "make test (as the README says)"
in_root "make test"
done_step "make test passed"

say "make run, offscreen, to a screenshot"
rm -f "$root/tmp/first-screen.png"
in_root "QT_QPA_PLATFORM=offscreen make run CONSOLE_ARGS='--screenshot /tmp/first-screen.png --quit-after 5'"
[[ -s $root/tmp/first-screen.png ]] || { echo "fresh-root-test: make run wrote no screenshot" >&2; exit 1; }
cp "$root/tmp/first-screen.png" "$shot"
size=$(convert "$shot" -format '%wx%h' info:)
colours=$(convert "$shot" -format '%k' info:)
# A blank or failed render is one or two flat colours; the dashboard has
# charts, text and tiles in many shades.
if [[ $colours -lt 64 ]]; then
    echo "fresh-root-test: $shot ($size) has only $colours colours: the console rendered nothing" >&2
    exit 1
fi
done_step "make run rendered $shot ($size, $colours colours)"

say "every other target's packages, and every other preset configured"
in_root "tools/install-deps.sh --bench --coverage --fuzz --asan --tsan"
for preset in release coverage asan tsan fuzz; do
    in_root "cmake --preset $preset -B /tmp/configure-$preset >/tmp/configure-$preset.log 2>&1 ||
             { tail -n 30 /tmp/configure-$preset.log; echo 'fresh-root-test: preset $preset does not configure'; exit 1; }"
done
done_step "every list installed and the presets release, coverage, asan, tsan and fuzz configured"
say "passed in $SECONDS s"
