#!/usr/bin/env bash
# install-deps.sh - makes sure the Debian packages racelab needs are present.
#
# Run by `make grade`, `make test` and friends before anything is built. As
# root it installs what is missing (apt-get); otherwise it prints the exact
# apt-get line to run and fails. Usage: install-deps.sh [--test|--bench-detect]
# (--test adds what only the project's own test suite needs, --bench-detect
# what make bench-detect needs).
set -u

# lld links sanitized programs several times faster than ld (racelab uses
# it when it is the compiler's own release); gdb shows where each thread of
# a hung run waited. Both are optional at run time, installed here.
packages=(clang libclang-rt-dev binutils libcmocka-dev libinih-dev libjansson-dev libarchive-dev
          libxml2-dev nettle-dev pkg-config make lld gdb)
if [ "${1:-}" = "--test" ]; then
    # chromium (about 350 MB installed) loads the HTML report headless in
    # tests/e2e/test_html.c; only the test suite needs it, never grading.
    packages+=(python3 chromium)
fi
if [ "${1:-}" = "--bench-detect" ]; then
    # make bench-detect compares racelab run with Valgrind's Helgrind and DRD
    packages+=(valgrind bc)
fi

# Releases before Debian 12 and Ubuntu 23.04 (Ubuntu 22.04 is one of
# Gradescope's base images) have no libclang-rt-dev: ThreadSanitizer's
# runtime comes with clang there. True when apt knows clang but not it.
not_in_release() {
    [ "$1" = libclang-rt-dev ] && apt-cache show clang >/dev/null 2>&1 &&
        ! apt-cache show libclang-rt-dev >/dev/null 2>&1
}

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = "installed" ] || not_in_release "$p" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    echo "racelab: missing Debian packages; run as root: $line" >&2
    exit 1
fi
echo "racelab: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true
    for i in "${!missing[@]}"; do
        not_in_release "${missing[$i]}" && unset 'missing[i]'
    done
    [ ${#missing[@]} -eq 0 ] && exit 0
    if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
        echo "racelab: could not install packages; run: apt-get update && $line" >&2
        exit 1
    fi
fi
