#!/usr/bin/env bash
# install-deps.sh - makes sure the Debian packages racelab needs are present.
#
# Run by `make grade`, `make test` and friends before anything is built. As
# root it installs what is missing (apt-get); otherwise it prints the exact
# apt-get line to run and fails. Usage: install-deps.sh [--test]
# (--test adds what only the project's own test suite needs).
set -u

packages=(clang libclang-rt-dev binutils libcmocka-dev libinih-dev libjansson-dev libarchive-dev
          libxml2-dev pkg-config make)
if [ "${1:-}" = "--test" ]; then
    packages+=(python3)
fi

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = "installed" ] || missing+=("$p")
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
    if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
        echo "racelab: could not install packages; run: apt-get update && $line" >&2
        exit 1
    fi
fi
