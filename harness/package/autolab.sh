#!/usr/bin/env bash
# autolab.sh - `make autolab [LAB=ID...]`: DIST/autolab/autograde-Makefile and
# DIST/autolab/autograde.tar, the two files of an Autolab assessment's
# autograder. autograde.tar holds racelab/: the handout's tree and the
# hidden tests of the labs graded (never a reference solution). The labs
# named are fixed in the Makefile; with none, every lab whose files are
# handed in is graded. Name the assessment's problems after the lab ids.
source "$(dirname "$0")/lib.sh"

ids=$(select_labs "$@")
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
stage_grader "$stage/racelab" $ids
out=$DIST/autolab
mkdir -p "$out"
fill harness/package/autolab/autograde-Makefile "$out/autograde-Makefile" "LABS=$*"
tar --sort=name --owner=0 --group=0 --numeric-owner --mode=go-w -C "$stage" \
    -cf "$out/autograde.tar.partial" racelab
mv "$out/autograde.tar.partial" "$out/autograde.tar"
echo "racelab: $out/autograde-Makefile and autograde.tar grade ${*:-every lab whose files are handed in}"
