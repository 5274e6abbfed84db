#!/usr/bin/env bash
# handout.sh - `make handout`: DIST/racelab-handout.tar.gz, what students get.
#
# One folder, racelab-handout/, with labs/, harness/, the Makefile and
# README.md: enough for `make grade` and `build/racelab check LAB` on a
# fresh Debian machine, and nothing from solutions/ (no reference solution,
# no hidden test). The tree is checked for that before it is packed, so a
# hidden test left in labs/ by mistake stops the build instead of leaking.
source "$(dirname "$0")/lib.sh"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
stage_handout "$stage/racelab-handout"
check_student_tree "$stage/racelab-handout"
mkdir -p "$DIST"
make_tarball "$DIST/racelab-handout.tar.gz" "$stage/racelab-handout"
echo "racelab: $DIST/racelab-handout.tar.gz ($(all_labs | wc -l) labs, no solutions, no hidden tests)"
