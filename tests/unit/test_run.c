/*
 * test_run.c - the process pool: exit statuses and signals are reported,
 * output is capped without blocking the child, a timeout kills the whole
 * process group (grandchildren too), a program that cannot start is said so,
 * and several programs really run at once.
 */
#include "run.h"
#include "util.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static const char *const env[] = {"PATH=/usr/bin:/bin", NULL};

static run_outcome sh(const char *script, double timeout, size_t cap)
{
    const char *argv[] = {"/bin/sh", "-c", script, NULL};
    run_spec s = {.argv = argv, .envp = env, .cwd = "/", .timeout = timeout, .output_cap = cap};
    run_outcome o;
    assert_int_equal(run_all(&s, &o, 1, 1, NULL), RL_OK);
    return o;
}

static void exit_status_and_output_are_kept(void **state)
{
    (void)state;
    run_outcome o = sh("echo out; echo err >&2; exit 3", 10, 1024);
    assert_int_equal(o.end, RUN_EXITED);
    assert_int_equal(o.exit_code, 3);
    assert_non_null(strstr(o.output, "out\n"));
    assert_non_null(strstr(o.output, "err\n"));
    assert_false(o.output_truncated);
    run_outcome_free(&o);
}

static void signal_is_reported(void **state)
{
    (void)state;
    run_outcome o = sh("kill -SEGV $$", 10, 1024);
    assert_int_equal(o.end, RUN_SIGNALED);
    assert_int_equal(o.signal, SIGSEGV);
    char *d = run_outcome_describe(&o, 10);
    assert_non_null(strstr(d, "signal 11"));
    free(d);
    run_outcome_free(&o);
}

static void huge_output_is_capped_and_never_blocks(void **state)
{
    (void)state;
    double start = now_seconds();
    run_outcome o = sh("head -c 50000000 /dev/zero | tr '\\0' x", 30, 1000);
    assert_int_equal(o.end, RUN_EXITED);
    assert_int_equal(o.output_len, 1000);
    assert_true(o.output_truncated);
    assert_true(now_seconds() - start < 20);
    run_outcome_free(&o);
}

static void timeout_kills_the_whole_group(void **state)
{
    (void)state;
    char *dir = NULL;
    assert_int_equal(dir_make_temp("runtest", &dir, NULL), RL_OK);
    /* the grandchild ignores TERM and would write a file after 3 s */
    char *script = xasprintf("trap '' TERM; (trap '' TERM; sleep 3; touch %s/late) & sleep 60",
                             dir);
    double start = now_seconds();
    run_outcome o = sh(script, 0.5, 1024);
    double took = now_seconds() - start;
    assert_int_equal(o.end, RUN_TIMED_OUT);
    assert_true(took < 2.5);
    char *d = run_outcome_describe(&o, 0.5);
    assert_non_null(strstr(d, "did not finish within 0.5 s"));
    free(d);
    sleep(4);
    char *late = path_join(dir, "late");
    assert_false(path_exists(late));
    free(late);
    free(script);
    run_outcome_free(&o);
    dir_remove_tree(dir, NULL);
    free(dir);
}

static void leftover_background_child_does_not_stall(void **state)
{
    (void)state;
    /* the leader exits at once, leaving a child holding the output pipe */
    double start = now_seconds();
    run_outcome o = sh("sleep 30 & echo done", 60, 1024);
    assert_int_equal(o.end, RUN_EXITED);
    assert_true(now_seconds() - start < 5);
    run_outcome_free(&o);
}

static void missing_program_is_not_started_or_127(void **state)
{
    (void)state;
    const char *argv[] = {"/nonexistent/prog", NULL};
    run_spec s = {.argv = argv, .envp = env, .cwd = "/", .timeout = 5, .output_cap = 1024};
    run_outcome o;
    assert_int_equal(run_all(&s, &o, 1, 1, NULL), RL_OK);
    assert_true(o.end == RUN_NOT_STARTED || (o.end == RUN_EXITED && o.exit_code == 127));
    assert_non_null(strstr(o.output, "cannot run /nonexistent/prog"));
    run_outcome_free(&o);
}

static void environment_is_only_what_was_given(void **state)
{
    (void)state;
    setenv("RACELAB_SECRET", "leak", 1);
    run_outcome o = sh("env", 5, 4096);
    assert_null(strstr(o.output, "RACELAB_SECRET"));
    assert_non_null(strstr(o.output, "PATH=/usr/bin:/bin"));
    run_outcome_free(&o);
}

static void jobs_run_at_once(void **state)
{
    (void)state;
    const char *argv[] = {"/bin/sh", "-c", "sleep 1", NULL};
    run_spec s[4];
    for (int i = 0; i < 4; i++)
        s[i] = (run_spec){.argv = argv, .envp = env, .cwd = "/", .timeout = 10,
                          .output_cap = 64};
    run_outcome o[4];
    double start = now_seconds();
    assert_int_equal(run_all(s, o, 4, 4, NULL), RL_OK);
    double took = now_seconds() - start;
    assert_true(took < 2.5); /* serially it would take 4 s */
    for (int i = 0; i < 4; i++) {
        assert_int_equal(o[i].end, RUN_EXITED);
        run_outcome_free(&o[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exit_status_and_output_are_kept),
        cmocka_unit_test(signal_is_reported),
        cmocka_unit_test(huge_output_is_capped_and_never_blocks),
        cmocka_unit_test(timeout_kills_the_whole_group),
        cmocka_unit_test(leftover_background_child_does_not_stall),
        cmocka_unit_test(missing_program_is_not_started_or_127),
        cmocka_unit_test(environment_is_only_what_was_given),
        cmocka_unit_test(jobs_run_at_once),
    };
    return cmocka_run_group_tests_name("run", tests, NULL, NULL);
}
