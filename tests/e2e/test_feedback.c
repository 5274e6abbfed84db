/*
 * test_feedback.c - end-to-end: the feedback a grader's `racelab grade
 * --format text` prints for 01-bank's starter (the same text `racelab
 * check` prints, through the same writer): the races at bank.c's lines
 * with the source around them, where the threads were started, and the
 * exact command that replays the first run that showed each, naming the
 * submission. The details of every kind are left to
 * tests/unit/test_report_text.c; two trials keep this quick. And for
 * 10-transfers' starter, which deadlocks: where each thread waited when the
 * hung test program was stopped (gdb's stacks), at ledger.c's lines.
 */
#include "e2e.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static void expect(const char *text, const char *want)
{
    if (!strstr(text, want))
        fail_msg("missing \"%s\" in:\n%s", want, text);
}

static void starter_feedback_at_student_lines(void **state)
{
    (void)state;
    const char *args[] = {"grade",    "--submission", "labs/01-bank", "--lab", "01-bank",
                          "--format", "text",         "--trials",     "2",     NULL};
    e2e_run r = e2e_racelab(args, NULL);
    assert_int_equal(r.status, 0); /* graded, whatever the score */
    expect(r.output, "`acct->balance`");
    expect(r.output, "in account_deposit() at bank.c:38, holding no lock");
    expect(r.output, "> 38 |     acct->balance += cents;");
    expect(r.output, "  37 | {\n"); /* context above the line */
    expect(r.output, "was started in run_tellers() at test_bank.c:");
    expect(r.output, "replay it: build/racelab replay 01-bank --seed 1 --submission labs/01-bank");
    assert_null(strstr(r.output, "\033"));             /* not a terminal: no colour, no progress */
    assert_null(strstr(r.output, "test_bank_hidden")); /* the hidden test stays private */
    assert_null(strstr(r.output, "racelab_probe"));
    e2e_run_free(&r);
}

static void deadlock_feedback_shows_the_waiting_threads(void **state)
{
    (void)state;
    const char *args[] = {"grade", "--submission", "labs/10-transfers",
                          "--lab", "10-transfers", "--trials",
                          "1",     "--timeout",    "2",
                          NULL};
    e2e_run r = e2e_racelab(args, NULL);
    assert_int_equal(r.status, 0);
    expect(r.output, "The test program test_ledger hung in run 1 (seed 1) and was stopped after "
                     "2.0 s; where its threads were:");
    expect(r.output,
           "waiting in pthread_mutex_lock(), called from ledger_transfer() at ledger.c:7");
    expect(r.output, "     pthread_mutex_lock(&pay");
    expect(r.output, "main thread: not in your code (in the tests' ");
    assert_null(strstr(r.output, "racelab_probe"));
    assert_null(strstr(r.output, "test_ledger_hidden"));
    e2e_run_free(&r);

    /* on Gradescope: under the lab's first failed check */
    const char *gs[] = {"grade",    "--submission", "labs/10-transfers",
                        "--lab",    "10-transfers", "--trials",
                        "1",        "--timeout",    "2",
                        "--format", "gradescope",   NULL};
    r = e2e_racelab(gs, NULL);
    assert_int_equal(r.status, 0);
    json_error_t e;
    json_t *root = json_loads(r.output, 0, &e);
    assert_non_null(root);
    json_t *tests = json_object_get(root, "tests");
    const char *first = json_string_value(json_object_get(json_array_get(tests, 0), "output"));
    assert_non_null(first);
    expect(first, "The test program test_ledger hung in run 1 (seed 1)");
    expect(first, "called from ledger_transfer() at ledger.c:7");
    for (size_t i = 1; i < json_array_size(tests); i++)
        assert_null(strstr(json_string_value(json_object_get(json_array_get(tests, i), "output")),
                           "hung in run"));
    json_decref(root);
    e2e_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(starter_feedback_at_student_lines),
        cmocka_unit_test(deadlock_feedback_shows_the_waiting_threads),
    };
    return cmocka_run_group_tests_name("e2e_feedback", tests, NULL, NULL);
}
