/*
 * test_run_cmd.c - `racelab run` end to end on programs of tests/corpus/:
 * a race is reported at its line (exit 1), a correct program passes (exit
 * 0, also with --stdin and JSON), a deadlock is reported as a hang with
 * where each thread waited (gdb's stacks, in the student's words), output
 * that changes between runs is reported as nondeterministic, and a file
 * that does not compile gives the compiler's message (exit 2).
 */
#include "e2e.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define CORPUS "tests/corpus/"

static void race_is_reported_at_its_line(void **state)
{
    (void)state;
    const char *args[] = {"run", CORPUS "racy_lost_update.c", "--trials", "3", NULL};
    e2e_run r = e2e_racelab(args, NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.output, "two threads wrote `count` at the same time"));
    assert_non_null(strstr(r.output, "racy_lost_update.c:10"));
    assert_non_null(strstr(r.output, "replay it: build/racelab run " CORPUS
                                     "racy_lost_update.c --trials 1 --seed 1"));
    e2e_run_free(&r);
}

static void correct_program_passes_with_stdin(void **state)
{
    (void)state;
    const char *args[] = {
        "run", CORPUS "ok_stdin_sum.c", "--stdin", CORPUS "ok_stdin_sum.input", "--format", "json",
        NULL};
    e2e_run r = e2e_racelab(args, NULL);
    assert_int_equal(r.status, 0);
    json_error_t e;
    json_t *root = json_loads(r.output, 0, &e);
    assert_non_null(root);
    assert_false(json_is_true(json_object_get(root, "problems")));
    assert_true(json_is_null(json_object_get(root, "hang")));
    assert_int_equal(json_integer_value(json_object_get(root, "runs")), 8);
    json_t *outputs = json_object_get(root, "outputs");
    assert_int_equal(json_array_size(outputs), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(outputs, 0), "output")),
                        "500 numbers, total 125250\n");
    json_decref(root);
    e2e_run_free(&r);
}

static void deadlock_is_reported_as_a_hang(void **state)
{
    (void)state;
    const char *args[] = {"run", CORPUS "racy_deadlock_hang.c", "--trials", "2", "--timeout", "1",
                          NULL};
    e2e_run r = e2e_racelab(args, NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.output, "the program hung: did not finish within 1.0 s"));
    assert_non_null(strstr(r.output, "in 2 of 2 runs"));
    assert_non_null(strstr(r.output, "where its threads were when run "));
    assert_non_null(strstr(r.output, "main thread: waiting in pthread_join(), called from main() "
                                     "at racy_deadlock_hang.c:29"));
    /* each transfer waits for the lock the other holds */
    assert_non_null(strstr(r.output, "waiting in pthread_mutex_lock(&to), called from transfer() "
                                     "at racy_deadlock_hang.c:16"));
    assert_non_null(strstr(r.output, "waiting in pthread_mutex_lock(&from), called from "
                                     "transfer() at racy_deadlock_hang.c:16"));
    assert_non_null(strstr(r.output, "> 16 |     pthread_mutex_lock(second);"));
    assert_null(strstr(r.output, "racelab_probe"));
    e2e_run_free(&r);

    /* the same reading in JSON */
    const char *json_args[] = {
        "run", CORPUS "racy_deadlock_hang.c", "--trials", "1", "--timeout", "1", "--format", "json",
        NULL};
    r = e2e_racelab(json_args, NULL);
    assert_int_equal(r.status, 1);
    json_error_t e;
    json_t *root = json_loads(r.output, 0, &e);
    assert_non_null(root);
    json_t *threads = json_object_get(json_object_get(root, "hang"), "threads");
    assert_int_equal(json_array_size(threads), 3);
    size_t waiting_on_locks = 0;
    for (size_t i = 0; i < json_array_size(threads); i++) {
        json_t *t = json_array_get(threads, i);
        const char *on = json_string_value(json_object_get(t, "waits_on"));
        if (on && (strcmp(on, "to") == 0 || strcmp(on, "from") == 0)) {
            assert_string_equal(json_string_value(json_object_get(t, "call")),
                                "pthread_mutex_lock");
            assert_int_equal(json_integer_value(json_object_get(t, "line")), 16);
            waiting_on_locks++;
        }
    }
    assert_int_equal(waiting_on_locks, 2);
    json_decref(root);
    e2e_run_free(&r);

    /* once a run hung, the others get 2 s: a 3 s limit shows it */
    const char *cut_args[] = {
        "run", CORPUS "racy_deadlock_hang.c", "--trials", "4", "--timeout", "3", NULL};
    r = e2e_racelab(cut_args, NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.output, "did not finish within 3.0 s"));
    assert_non_null(strstr(r.output, "in 1 of 4 runs"));
    assert_non_null(strstr(r.output, "once it had hung, 3 more runs were stopped sooner (2.0 s "
                                     "after starting, or at once) without having finished"));
    assert_null(
        strstr(r.output, "Problem 2")); /* the runs stopped sooner are no problem of their own */
    e2e_run_free(&r);

    /* without gdb, the report says how to get the stacks */
    const char *env[] = {"RACELAB_GDB=/nonexistent/gdb", NULL};
    r = e2e_racelab(args, env);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.output, "install gdb: apt-get install gdb"));
    assert_null(strstr(r.output, "where its threads were"));
    e2e_run_free(&r);
}

static void changing_output_is_nondeterminism(void **state)
{
    (void)state;
    const char *args[] = {"run", CORPUS "racy_output_order.c", "--trials", "16", NULL};
    e2e_run r = e2e_racelab(args, NULL);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.output, "its output changed from run to run (nondeterministic)"));
    assert_non_null(strstr(r.output, "| worker 0 done"));
    e2e_run_free(&r);
}

static void compile_error_is_status_2(void **state)
{
    (void)state;
    char *dir = e2e_tempdir();
    e2e_write(dir, "broken.c", "int main(void) { return undeclared_thing; }\n");
    char *file = malloc(strlen(dir) + 16);
    sprintf(file, "%s/broken.c", dir);
    const char *args[] = {"run", file, NULL};
    e2e_run r = e2e_racelab(args, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.output, "does not compile"));
    assert_non_null(strstr(r.output, "undeclared_thing"));
    e2e_run_free(&r);
    const char *none[] = {"run", NULL};
    r = e2e_racelab(none, NULL);
    assert_int_equal(r.status, 2);
    e2e_run_free(&r);
    free(file);
    e2e_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(race_is_reported_at_its_line),
        cmocka_unit_test(correct_program_passes_with_stdin),
        cmocka_unit_test(deadlock_is_reported_as_a_hang),
        cmocka_unit_test(changing_output_is_nondeterminism),
        cmocka_unit_test(compile_error_is_status_2),
    };
    return cmocka_run_group_tests_name("e2e_run_cmd", tests, NULL, NULL);
}
