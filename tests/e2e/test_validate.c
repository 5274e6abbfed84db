/*
 * test_validate.c - every lab of the catalogue proves itself: `racelab
 * validate LAB` must pass (the starter fails every starter_fails check in
 * every run, the solution earns full marks in every run). One cmocka test
 * per lab, so each lab's verdict shows on its own line. VALIDATE_RUNS and
 * VALIDATE_TRIALS set the runs per lab and the trials per grading (default
 * 1 run of 4 trials, to keep the suite short: three labs' starters hang
 * until their timeout in every trial; instructors run `racelab validate`
 * with its default of 10 runs at each lab's own trial count).
 */
#include "e2e.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void validate_one(void **state)
{
    const char *lab = *state;
    const char *runs = getenv("VALIDATE_RUNS"), *trials = getenv("VALIDATE_TRIALS");
    const char *args[] = {"validate", lab,
                          "--runs",   runs && *runs ? runs : "1",
                          "--trials", trials && *trials ? trials : "4",
                          "-v",       NULL};
    e2e_run r = e2e_racelab(args, NULL);
    if (r.status != 0)
        print_error("%s\n", r.output);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.output, lab));
    assert_non_null(strstr(r.output, " ok "));
    e2e_run_free(&r);
}

int main(void)
{
    int n = 0;
    char **labs = e2e_lab_ids(&n);
    struct CMUnitTest *tests = calloc((size_t)n + 1, sizeof *tests);
    for (int i = 0; i < n; i++) {
        tests[i].name = labs[i];
        tests[i].test_func = validate_one;
        tests[i].initial_state = labs[i];
    }
    return _cmocka_run_group_tests("e2e_validate", tests, (size_t)n, NULL, NULL);
}
