#!/usr/bin/env bash
# bench_detect.sh - detection against other tools: runs every program of
# tests/corpus/ (labelled by its first line, "/* racy: yes|no — why */")
# through five detectors in the same run and prints TP/FP/TN/FN, recall,
# precision and the median wall-clock seconds per program (build included):
#
#   racelab       build/racelab run at its default budget (8 runs, noise rotated)
#   tsan-1run     clang -fsanitize=thread -g -O1, no probe, no noise, one run
#   tsan-5runs    the same binary, up to five runs (stops at the first flagged run)
#   helgrind      valgrind --tool=helgrind on a -g -O1 build, one run
#   drd           valgrind --tool=drd on the same build, one run
#
# A program counts as flagged by a tool when the tool reports an error, or
# when the program hangs (killed after TIMEOUT seconds, racelab's default)
# or crashes under it: a person running the tool sees all three. A program
# with NAME.input beside it gets that file as stdin. Usage (from the
# project root, after make build/racelab): tests/bench/bench_detect.sh
set -u
cd "$(dirname "$0")/../.."
TIMEOUT=${TIMEOUT:-10}
CORPUS=tests/corpus
RACELAB=build/racelab
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! command -v valgrind >/dev/null; then
    echo "bench-detect: valgrind is missing; run as root: apt-get install -y valgrind" >&2
    exit 1
fi

tools=(racelab tsan-1run tsan-5runs helgrind drd)
start_all=$(date +%s.%N)
printf '%-28s %-5s' program racy
for t in "${tools[@]}"; do printf ' %-11s' "$t"; done
printf '\n'

now() { date +%s.%N; }

# flagged RC: true when an exit status means "the tool saw a problem"
# (66: the error exit code asked for; 124: timeout; >128: a signal)
flagged() { [ "$1" -eq 66 ] || [ "$1" -eq 124 ] || [ "$1" -gt 128 ]; }

run_tsan() { # BIN INPUT RUNS -> prints "flag seconds" (no compile time)
    local rc=0 i
    for ((i = 0; i < $3; i++)); do
        { TSAN_OPTIONS="exitcode=66 report_signal_unsafe=1" timeout -s KILL "$TIMEOUT" "$1" \
            <"$2" >/dev/null 2>&1; } 2>/dev/null # bash's "Killed" notice, too
        rc=$?
        [ $rc -eq 137 ] && rc=124
        flagged $rc && return 0
    done
    return 1
}

for src in "$CORPUS"/*.c; do
    name=$(basename "$src" .c)
    label=$(head -1 "$src" | sed -n 's/^\/\* racy: \(yes\|no\).*/\1/p')
    input=/dev/null
    [ -f "$CORPUS/$name.input" ] && input="$CORPUS/$name.input"
    printf '%-28s %-5s' "$name" "$label"
    for t in "${tools[@]}"; do
        s=$(now)
        flag=no
        case $t in
        racelab)
            args=()
            [ "$input" != /dev/null ] && args=(--stdin "$input")
            "$RACELAB" run "$src" "${args[@]}" >"$work/$name.racelab" 2>&1
            rc=$?
            [ $rc -eq 1 ] && flag=yes
            [ $rc -ge 2 ] && flag=err
            ;;
        tsan-1run | tsan-5runs)
            runs=1
            [ $t = tsan-5runs ] && runs=5
            clang -std=gnu11 -fsanitize=thread -g -O1 -pthread "$src" -lm -o "$work/$name.tsan" \
                2>/dev/null && run_tsan "$work/$name.tsan" "$input" $runs && flag=yes
            ;;
        helgrind | drd)
            if clang -std=gnu11 -g -O1 -pthread "$src" -lm -o "$work/$name.plain" 2>/dev/null; then
                { timeout -s KILL "$TIMEOUT" valgrind -q --tool=$t --error-exitcode=66 \
                    "$work/$name.plain" <"$input" >/dev/null 2>&1; } 2>/dev/null
                rc=$?
                [ $rc -eq 137 ] && rc=124
                flagged $rc && flag=yes
            fi
            ;;
        esac
        secs=$(echo "$(now) - $s" | bc)
        printf ' %-3s %6.2fs' "$flag" "$secs"
        echo "$t $label $flag $secs" >>"$work/results"
    done
    printf '\n'
done

echo
printf '%-11s %3s %3s %3s %3s %7s %9s %10s\n' tool TP FP TN FN recall precision 'median s'
for t in "${tools[@]}"; do
    med=$(awk -v t="$t" '$1 == t { print $4 }' "$work/results" | sort -n |
        awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
    awk -v t="$t" -v med="$med" '$1 == t {
        if ($2 == "yes" && $3 == "yes") tp++; else if ($2 == "yes") fn++;
        else if ($3 == "yes") fp++; else tn++ }
    END {
        printf "%-11s %3d %3d %3d %3d %7.2f %9.2f %10.2f\n", t, tp, fp, tn, fn,
               tp + fn ? tp / (tp + fn) : 0, tp + fp ? tp / (tp + fp) : 0, med }' "$work/results"
done
printf '\n%d programs, %s s in all (TIMEOUT=%s)\n' "$(ls "$CORPUS"/*.c | wc -l)" \
    "$(printf '%.0f' "$(echo "$(now) - $start_all" | bc)")" "$TIMEOUT"
