#!/usr/bin/env bash
# run-suite.sh - runs each cmocka test binary given, from the project root,
# and ends with one closing line "N passed, N failed" over all test cases.
# Exit status: 0 when every binary ran and every test passed.
set -u
passed=0
failed=0
bad=0
for bin in "$@"; do
    echo "== $bin"
    out=$(mktemp)
    "$bin" 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    # "[  FAILED  ] 3 test(s)", not "[  FAILED  ] 09-shutdown/..." (a test's name)
    p=$(grep -Eo '^\[  PASSED  \] [0-9]+ test' "$out" | awk '{s+=$4} END {print s+0}')
    f=$(grep -Eo '^\[  FAILED  \] [0-9]+ test' "$out" | awk '{s+=$4} END {print s+0}')
    rm -f "$out"
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "!! $bin exited with status $rc without a failed test: counted as a failure"
        bad=$((bad + 1))
        failed=$((failed + 1))
    fi
done
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$bad" -eq 0 ]
