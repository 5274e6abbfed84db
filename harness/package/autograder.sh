#!/usr/bin/env bash
# autograder.sh - `make autograder [LAB=ID...]`: DIST/gradescope-autograder.zip,
# the bundle to upload as a Gradescope programming assignment's autograder.
#
# Usage: autograder.sh MKZIP [ID]... (MKZIP: the zip writer, build/mkzip).
# The zip holds setup.sh and run_autograder at its top, beside the handout's
# tree (labs/, harness/, Makefile) and the hidden tests of the labs graded:
# solutions/ID/ holds those only, never a reference solution. The labs named
# are fixed in run_autograder (always graded, "not submitted" when missing);
# with none, run_autograder grades every lab whose files are submitted.
source "$(dirname "$0")/lib.sh"

mkzip=$1
shift
ids=$(select_labs "$@")
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
stage_grader "$stage/source" $ids
fill harness/package/gradescope/setup.sh "$stage/source/setup.sh"
fill harness/package/gradescope/run_autograder "$stage/source/run_autograder" "LABS=$*"
mkdir -p "$DIST"
"$mkzip" "$DIST/gradescope-autograder.zip" "$stage/source"
echo "racelab: $DIST/gradescope-autograder.zip grades ${*:-every lab whose files are submitted}"
