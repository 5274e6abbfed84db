#!/usr/bin/env bash
# grade.sh - grades an Autolab handin; the autograde-Makefile runs it in the
# job folder, with the labs fixed by `make autolab LAB=...` as arguments.
#
# The handin (whatever file besides Makefile and autograde.tar Autolab put
# here) moves into racelab-handin/: a single archive (.tar, .tar.gz, .tgz,
# .zip) is graded as it is, anything else as a folder, so the assessment's
# handin file may be the student file itself (bank.c) or an archive.
# Without labs named, every lab whose files are in the handin is graded.
#
# The last line printed is always Autolab's {"scores": {...}}: racelab's,
# or, when racelab cannot be built or does not end with one, a line
# scoring 0 for every lab (the labs named, or all), after what went wrong.
set -u
cd "$(dirname "$(readlink -f "$0")")/../../../.."

mkdir -p racelab-handin
for f in * .[!.]*; do
    case $f in
    Makefile | autograde.tar | racelab | racelab-handin | racelab-*.log) ;;
    *) [ -e "$f" ] && mv -- "$f" racelab-handin/ ;;
    esac
done
shopt -s nullglob
files=(racelab-handin/*)
submission=racelab-handin
if [ ${#files[@]} -eq 1 ] && [[ ${files[0]} =~ \.(tar|tar\.gz|tgz|zip)$ ]]; then
    submission=${files[0]}
fi

args=(grade --submission "$submission" --format autolab)
for lab in "$@"; do
    args+=(--lab "$lab")
done
if make -s -j"$(nproc)" -C racelab build/racelab >racelab-build.log 2>&1; then
    racelab/build/racelab "${args[@]}" >racelab-grade.log 2>&1
    cat racelab-grade.log
    tail -n 1 racelab-grade.log | grep -q '^{"scores":' && exit 0
    echo "racelab: the grader stopped without a score (see above); scoring 0"
else
    cat racelab-build.log
    echo "racelab: racelab could not be built on this grading image (see above); scoring 0"
fi

# lab ids are [A-Za-z0-9._-] (lab folders), so they need no JSON escaping
[ $# -gt 0 ] || set -- $(cd racelab/labs && ls -d */ | tr -d /)
line=
for lab in "$@"; do
    [[ $lab =~ ^[A-Za-z0-9._-]+$ ]] && line="${line:+$line, }\"$lab\": 0"
done
echo "{\"scores\": {$line}}"
