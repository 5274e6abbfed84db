#!/usr/bin/env bash
# setup.sh - Gradescope runs this once, as root, when it builds the
# autograder's image (Ubuntu or Debian): it installs the Debian packages
# racelab needs (harness/install-deps.sh, which runs apt-get) and builds
# build/racelab beside this file, in /autograder/source. run_autograder
# then grades each submission with it.
#
# A failure here fails the image build, where the instructor sees it,
# rather than every student's grading.
set -eu
cd "$(dirname "$(readlink -f "$0")")"

harness/install-deps.sh
make -s -j"$(nproc)" build/racelab
build/racelab list >/dev/null
echo "racelab: autograder ready: $(build/racelab list | wc -l) labs"
