/*
 * test_manifest.c - lab.ini loading: a good file gives every field; each
 * kind of broken file gives one line naming the file, the line and the fix.
 */
#include "manifest.h"
#include "util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static char *dir;

static int setup(void **state)
{
    (void)state;
    if (dir_make_temp("manifest", &dir, NULL) != RL_OK)
        return -1;
    const char *files[] = {"bank.c", "bank.h", "test_bank.c", "helper.c"};
    for (size_t i = 0; i < 4; i++) {
        char *p = path_join(dir, files[i]);
        file_write(p, "x", 1, NULL);
        free(p);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dir_remove_tree(dir, NULL);
    free(dir);
    return 0;
}

/* Writes text as lab.ini and parses it. */
static rl_status load(const char *text, size_t len, lab_manifest *m, rl_err *err)
{
    char *ini = path_join(dir, "lab.ini");
    assert_int_equal(file_write(ini, text, len, NULL), RL_OK);
    rl_status st = manifest_parse_file(ini, "01-bank", dir, "/nonexistent", m, err);
    free(ini);
    return st;
}

static const char good[] = "; comment\n"
                           "[lab]\n"
                           "title = Lost deposits\n"
                           "summary = one line\n"
                           "student_files = bank.c\n"
                           "support = helper.c\n"
                           "tests = test_bank.c\n"
                           "hidden_tests = test_bank_hidden.c\n"
                           "trials = 12\n"
                           "timeout = 2.5\n"
                           "threads = 2, 4 8\n"
                           "cflags = -DX=1\n"
                           "[check race-free]\n"
                           "title = No races\n"
                           "kind = race-free\n"
                           "points = 60\n"
                           "kinds = data race, lock-order inversion\n"
                           "hint = Lock it.\n"
                           "[check sums]\n"
                           "kind = tests\n"
                           "points = 40.5\n"
                           "tests = deposits_* withdraw\n";

static void good_file_gives_every_field(void **state)
{
    (void)state;
    lab_manifest m;
    rl_err err = {{0}};
    assert_int_equal(load(good, strlen(good), &m, &err), RL_OK);
    assert_string_equal(m.id, "01-bank");
    assert_string_equal(m.title, "Lost deposits");
    assert_int_equal(m.student_files.n, 1);
    assert_string_equal(m.support.items[0], "helper.c");
    assert_string_equal(m.hidden_tests.items[0], "test_bank_hidden.c");
    assert_int_equal(m.trials, 12);
    assert_true(m.timeout == 2.5);
    assert_int_equal(m.nthreads, 3);
    assert_int_equal(m.threads[2], 8);
    assert_string_equal(m.cflags, "-DX=1");
    assert_int_equal(m.nchecks, 2);
    assert_int_equal(m.checks[0].kind, CHECK_RACE_FREE);
    assert_int_equal(m.checks[0].kinds.n, 2);
    assert_string_equal(m.checks[0].kinds.items[1], "lock-order inversion");
    assert_string_equal(m.checks[0].hint, "Lock it.");
    assert_int_equal(m.checks[1].kind, CHECK_TESTS);
    assert_string_equal(m.checks[1].tests.items[0], "deposits_*");
    assert_true(m.max_points == 100.5);
    assert_string_equal(m.hidden_visibility, "after_published"); /* the default */
    manifest_free(&m);
}

/* Each broken file must fail with a message holding every expected part. */
static void expect_error(const char *text, const char *part1, const char *part2)
{
    lab_manifest m;
    rl_err err = {{0}};
    rl_status st = load(text, strlen(text), &m, &err);
    if (st == RL_OK || !strstr(err.msg, part1) || (part2 && !strstr(err.msg, part2)))
        print_error("input:\n%s\nmessage: %s\n", text, err.msg);
    assert_int_equal(st, RL_ERR_MANIFEST);
    assert_non_null(strstr(err.msg, "lab.ini"));
    assert_non_null(strstr(err.msg, part1));
    if (part2)
        assert_non_null(strstr(err.msg, part2));
    assert_null(strchr(err.msg, '\n'));
}

#define LAB "[lab]\ntitle = t\nstudent_files = bank.c\ntests = test_bank.c\n"
#define CHECK "[check a]\nkind = tests\npoints = 1\n"

static void broken_files_name_line_and_fix(void **state)
{
    (void)state;
    expect_error(LAB CHECK "point = 4\n", "lab.ini:8", "'point'");
    expect_error(LAB "colour = red\n" CHECK, "lab.ini:5", "'colour'");
    expect_error(LAB "[check a]\nkind = magic\npoints = 1\n", "lab.ini:6",
                 "tests, race-free, mechanism, concurrency or scaling");
    expect_error(LAB "[check a]\nkind = tests\npoints = lots\n", "lab.ini:7", "points = lots");
    expect_error(LAB "[check a]\nkind = tests\npoints = -3\n", "lab.ini:7", "from 0");
    expect_error(LAB "trials = 0\n" CHECK, "lab.ini:5", "trials");
    expect_error(LAB "timeout = forever\n" CHECK, "lab.ini:5", "timeout");
    expect_error(LAB "threads = 2 x\n" CHECK, "lab.ini:5", "'x'");
    expect_error(LAB "threads = 1 2 3 4 5 6 7 8 9\n" CHECK, "lab.ini:5", "1 to 8");
    expect_error(LAB "[elsewhere]\nx = 1\n" CHECK, "lab.ini:6", "[elsewhere]");
    expect_error(LAB "[check BAD]\nkind = tests\n", "lab.ini:6", "lower-case");
    expect_error(LAB "this line has no equals sign\n" CHECK, "lab.ini:5", NULL);
    expect_error(LAB, "at least one [check", NULL);
    expect_error(LAB "[check a]\npoints = 1\n", "needs kind", NULL);
    expect_error(LAB "[check a]\nkind = tests\n", "needs points", NULL);
    expect_error("[lab]\nstudent_files = bank.c\ntests = test_bank.c\n" CHECK, "title", NULL);
    expect_error("[lab]\ntitle = t\ntests = test_bank.c\n" CHECK, "student_files", NULL);
    expect_error("[lab]\ntitle = t\nstudent_files = bank.c\n" CHECK, "tests", NULL);
    expect_error("[lab]\ntitle = t\nstudent_files = gone.c\ntests = test_bank.c\n" CHECK, "gone.c",
                 "not in");
    expect_error("[lab]\ntitle = t\nstudent_files = ../bank.c\ntests = test_bank.c\n" CHECK,
                 "without a path", NULL);
    expect_error("[lab]\ntitle = t\nstudent_files = .hidden\ntests = test_bank.c\n" CHECK,
                 "without a path", NULL);
    expect_error(LAB "hidden_visibility = secret\n" CHECK, "lab.ini:5",
                 "write after_published, hidden, after_due_date or visible");
}

static void hidden_visibility_is_read(void **state)
{
    (void)state;
    const char *words[] = {"hidden", "after_due_date", "after_published", "visible"};
    for (size_t i = 0; i < 4; i++) {
        char *text = xasprintf(LAB "hidden_visibility = %s\n" CHECK, words[i]);
        lab_manifest m;
        rl_err err = {{0}};
        assert_int_equal(load(text, strlen(text), &m, &err), RL_OK);
        assert_string_equal(m.hidden_visibility, words[i]);
        manifest_free(&m);
        free(text);
    }
}

static const char probe_checks[] = LAB "starter_fails = uses, par\n"
                                       "[check uses]\nkind = mechanism\npoints = 5\n"
                                       "require = mutex_lock >= 10, cond_wait>=1\n"
                                       "forbid = sleep yield\n"
                                       "[check par]\nkind = concurrency\npoints = 5\n"
                                       "min_threads = 2\nmin_processes = 3\n";

static void probe_checks_are_read(void **state)
{
    (void)state;
    lab_manifest m;
    rl_err err = {{0}};
    assert_int_equal(load(probe_checks, strlen(probe_checks), &m, &err), RL_OK);
    assert_int_equal(m.starter_fails.n, 2);
    assert_string_equal(m.starter_fails.items[1], "par");
    const lab_check *uses = &m.checks[0], *par = &m.checks[1];
    assert_int_equal(uses->kind, CHECK_MECHANISM);
    assert_int_equal(uses->nrequire, 2);
    assert_int_equal(uses->require[0].primitive, PROBE_MUTEX_LOCK);
    assert_int_equal(uses->require[0].at_least, 10);
    assert_int_equal(uses->require[1].primitive, PROBE_COND_WAIT);
    assert_int_equal(uses->require[1].at_least, 1);
    assert_true(uses->forbid[PROBE_SLEEP]);
    assert_true(uses->forbid[PROBE_YIELD]);
    assert_false(uses->forbid[PROBE_MUTEX_LOCK]);
    assert_int_equal(par->kind, CHECK_CONCURRENCY);
    assert_int_equal(par->min_threads, 2);
    assert_int_equal(par->min_processes, 3);
    manifest_free(&m);
}

static void bad_probe_checks_name_the_fix(void **state)
{
    (void)state;
    expect_error(LAB "[check u]\nkind = mechanism\npoints = 1\nrequire = spinlock >= 2\n",
                 "lab.ini:8", "'spinlock' is not a primitive");
    expect_error(LAB "[check u]\nkind = mechanism\npoints = 1\nrequire = mutex_lock\n", "lab.ini:8",
                 "mutex_lock >= 10");
    expect_error(LAB "[check u]\nkind = mechanism\npoints = 1\nrequire = mutex_lock >= x\n",
                 "lab.ini:8", NULL);
    expect_error(LAB "[check u]\nkind = mechanism\npoints = 1\nforbid = sleep, nap\n", "lab.ini:8",
                 "'nap'");
    expect_error(LAB "[check u]\nkind = mechanism\npoints = 1\n", "needs require", NULL);
    expect_error(LAB "[check p]\nkind = concurrency\npoints = 1\nmin_threads = 0\n", "lab.ini:8",
                 "min_threads");
    expect_error(LAB "[check p]\nkind = concurrency\npoints = 1\n", "needs min_threads", NULL);
    expect_error(LAB "starter_fails = nope\n" CHECK, "starter_fails names 'nope'", NULL);
}

static void hostile_bytes_are_refused(void **state)
{
    (void)state;
    /* a NUL byte in the middle of a line */
    const char nul[] = "[lab]\ntitle = t\0x\nstudent_files = bank.c\n";
    lab_manifest m;
    rl_err err = {{0}};
    assert_int_equal(load(nul, sizeof nul - 1, &m, &err), RL_ERR_MANIFEST);
    assert_non_null(strstr(err.msg, "lab.ini:2"));
    /* a line of 5000 characters */
    strbuf sb;
    sb_init(&sb);
    sb_append(&sb, LAB "hint = ");
    for (int i = 0; i < 5000; i++)
        sb_append(&sb, "x");
    sb_append(&sb, "\n" CHECK);
    assert_int_equal(load(sb.data, sb.len, &m, &err), RL_ERR_MANIFEST);
    assert_non_null(strstr(err.msg, "lab.ini:5"));
    assert_non_null(strstr(err.msg, "longer than"));
    sb_free(&sb);
    /* a long but legal hint is kept whole */
    sb_init(&sb);
    sb_append(&sb, LAB "[check a]\nkind = tests\npoints = 1\nhint = ");
    for (int i = 0; i < 3000; i++)
        sb_append(&sb, "y");
    sb_append(&sb, "\n");
    assert_int_equal(load(sb.data, sb.len, &m, &err), RL_OK);
    assert_int_equal(strlen(m.checks[0].hint), 3000);
    manifest_free(&m);
    sb_free(&sb);
    /* binary garbage */
    char junk[2048];
    srand(7);
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)(rand() % 255 + 1);
    assert_int_equal(load(junk, sizeof junk, &m, &err), RL_ERR_MANIFEST);
}

static void unknown_lab_is_not_found(void **state)
{
    (void)state;
    lab_manifest m;
    rl_err err = {{0}};
    assert_int_equal(manifest_load(dir, "/nonexistent", "no-such-lab", &m, &err), RL_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "no lab 'no-such-lab'"));
    assert_int_equal(manifest_load(dir, "/nonexistent", "../etc", &m, &err), RL_ERR_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_file_gives_every_field),
        cmocka_unit_test(broken_files_name_line_and_fix),
        cmocka_unit_test(hidden_visibility_is_read),
        cmocka_unit_test(probe_checks_are_read),
        cmocka_unit_test(bad_probe_checks_name_the_fix),
        cmocka_unit_test(hostile_bytes_are_refused),
        cmocka_unit_test(unknown_lab_is_not_found),
    };
    return cmocka_run_group_tests_name("manifest", tests, setup, teardown);
}
