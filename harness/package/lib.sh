# lib.sh - what the packaging scripts share: which labs, which files make a
# student's handout and which a grader's tree, and the guard that keeps
# solutions out of anything a student gets.
#
# Sourced by handout.sh, autograder.sh, classroom.sh and autolab.sh, each
# run by its make target from the project folder. Only tools every Debian
# system has (bash, coreutils, tar, gzip, awk) are used here.

set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
DIST=${DIST:-dist}

die() {
    echo "racelab: $*" >&2
    exit 1
}

# ini_get FILE SECTION KEY: the value, as inih reads it (a ';' after
# whitespace starts a comment; whitespace around the value is dropped).
ini_get() {
    awk -v want_sec="$2" -v want_key="$3" '
        /^[ \t]*\[/ { sec = $0; sub(/^[ \t]*\[/, "", sec); sub(/\].*$/, "", sec); next }
        sec == want_sec && index($0, "=") {
            key = substr($0, 1, index($0, "=") - 1); gsub(/^[ \t]+|[ \t]+$/, "", key)
            if (key != want_key) next
            val = substr($0, index($0, "=") + 1); sub(/[ \t];.*$/, "", val)
            gsub(/^[ \t]+|[ \t]+$/, "", val); print val; exit
        }' "$1"
}

# lab_points ID: the lab's maximum score, the sum of its checks' points.
lab_points() {
    awk '/^[ \t]*\[/ { in_check = ($0 ~ /^[ \t]*\[check /); next }
         in_check && /^[ \t]*points[ \t]*=/ {
             v = $0; sub(/^[^=]*=/, "", v); sub(/[ \t];.*$/, "", v); s += v }
         END { print s + 0 }' "labs/$1/lab.ini"
}

# all_labs: every lab id (a folder of labs/ with a lab.ini), sorted.
all_labs() {
    local d
    for d in labs/*/lab.ini; do
        [ -f "$d" ] && basename "$(dirname "$d")"
    done
}

# select_labs [ID]...: the ids given (each checked), or every lab; one a line.
select_labs() {
    local id
    [ $# -eq 0 ] && set -- $(all_labs)
    for id in "$@"; do
        [[ "$id" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] && [ -f "labs/$id/lab.ini" ] ||
            die "no lab '$id' (LAB=...): \`build/racelab list\` shows the labs"
        echo "$id"
    done
}

# stage_handout DIR: copies what a student gets into DIR: labs/ (starters,
# headers, visible tests, READMEs, lab.ini), harness/ (the grader's sources,
# probe, lab_support, install-deps.sh), the Makefile, README.md and
# .gitignore. Never solutions/ or tests/; build leftovers are skipped, and
# links refused (one could point into solutions/).
stage_handout() {
    local dir=$1 links
    links=$(find labs harness -type l)
    [ -z "$links" ] || die "links in the tree, not packaged: $links"
    mkdir -p "$dir"
    find labs harness -type f \
        ! -name '*.o' ! -name '*.a' ! -name '*.so' ! -name '*~' ! -name '.*.sw?' \
        ! -name '*.partial' ! -name core -print0 |
        tar --null -T - -cf - | tar -xf - -C "$dir"
    cp Makefile README.md "$dir/"
    [ -f .gitignore ] && cp .gitignore "$dir/"
    return 0
}

# stage_grader DIR [ID]...: the handout plus the hidden tests of the labs
# named (every lab when none), which are all a grader needs from solutions/:
# the reference solutions stay home.
stage_grader() {
    local dir=$1 id t
    shift
    stage_handout "$dir"
    for id in $(select_labs "$@"); do
        for t in $(ini_get "labs/$id/lab.ini" lab hidden_tests); do
            [ -f "solutions/$id/$t" ] || die "$id: hidden test solutions/$id/$t is missing"
            mkdir -p "$dir/solutions/$id"
            cp -p "solutions/$id/$t" "$dir/solutions/$id/"
        done
    done
}

# check_student_tree DIR: fails unless DIR holds nothing a student must not
# see: no solutions/ folder, no file named as a hidden test, no file with
# the same content as any file under solutions/ (empty files aside).
check_student_tree() {
    local dir=$1 id t found hashes
    [ ! -e "$dir/solutions" ] || die "$dir: has a solutions/ folder"
    for id in $(all_labs); do
        for t in $(ini_get "labs/$id/lab.ini" lab hidden_tests); do
            found=$(find "$dir" -name "$t")
            [ -z "$found" ] || die "hidden test $t would be handed out: $found"
        done
    done
    [ -d solutions ] || return 0
    hashes=$(find solutions -type f -size +0 -exec sha256sum {} + | awk '{print $1}' | sort -u)
    [ -n "$hashes" ] || return 0
    found=$(find "$dir" -type f -size +0 -exec sha256sum {} + |
        awk 'NR == FNR { bad[$1] = 1; next } ($1 in bad) { print substr($0, 67) }' \
            <(echo "$hashes") -)
    [ -z "$found" ] || die "same content as a file under solutions/, not handed out: $found"
}

# make_tarball OUT DIR: a reproducible .tar.gz of DIR (named as its last
# part inside): sorted names, owner root, no write bits for others, mtimes
# clamped to SOURCE_DATE_EPOCH when it is set.
make_tarball() {
    local out=$1 dir=$2 clamp=()
    [ -n "${SOURCE_DATE_EPOCH:-}" ] && clamp=(--mtime="@$SOURCE_DATE_EPOCH" --clamp-mtime)
    tar --sort=name --owner=0 --group=0 --numeric-owner --mode=go-w "${clamp[@]}" \
        -C "$(dirname "$dir")" -cf - "$(basename "$dir")" | gzip -n -9 >"$out.partial"
    mv "$out.partial" "$out"
}

# fill TEMPLATE OUT NAME=VALUE...: copies TEMPLATE to OUT with each @NAME@
# replaced by VALUE (values without '|' or newlines).
fill() {
    local template=$1 out=$2 sedargs=(-e '') kv
    shift 2
    for kv in "$@"; do
        sedargs+=(-e "s|@${kv%%=*}@|${kv#*=}|g")
    done
    sed "${sedargs[@]}" "$template" >"$out"
    chmod --reference="$template" "$out"
}
