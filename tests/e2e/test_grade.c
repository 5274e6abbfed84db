/*
 * test_grade.c - end-to-end: build/racelab grading whole labs the way a
 * grader and a student use it. Every lab's reference solution earns full
 * marks; every starter loses points in every run, with races shown at the
 * student's own lines; bad input gets one clear line and exit status 2 and
 * still a complete result file.
 */
#include "e2e.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define TRIALS "2" /* test_validate grades every lab at 4 trials already */

static char **lab_ids;
static int nlabs;

/* Grades `submission` for `lab` into dir/out.json in `format`; returns the run. */
static e2e_run grade(const char *submission, const char *lab, const char *format, const char *out)
{
    const char *args[] = {"grade", "--submission", submission, "--lab",    lab,    "--format",
                          format,  "--output",     out,        "--trials", TRIALS, NULL};
    return e2e_racelab(args, NULL);
}

static json_t *lab_entry(json_t *root, const char *id)
{
    size_t i;
    json_t *lab;
    json_array_foreach(json_object_get(root, "labs"), i, lab)
    {
        if (strcmp(json_string_value(json_object_get(lab, "id")), id) == 0)
            return lab;
    }
    return NULL;
}

/* Checks the Gradescope shape the design fixes, for every test entry. */
static void assert_gradescope_shape(json_t *root)
{
    assert_non_null(root);
    assert_true(json_is_number(json_object_get(root, "score")));
    assert_true(json_is_integer(json_object_get(root, "execution_time")));
    assert_true(json_is_string(json_object_get(root, "output")));
    assert_string_equal(json_string_value(json_object_get(root, "output_format")), "text");
    assert_true(json_is_string(json_object_get(root, "stdout_visibility")));
    json_t *tests = json_object_get(root, "tests");
    assert_true(json_array_size(tests) > 0);
    size_t i;
    json_t *t;
    json_array_foreach(tests, i, t)
    {
        const char *keys[] = {"name", "number", "output", "output_format", "visibility"};
        for (size_t k = 0; k < 5; k++)
            assert_true(json_is_string(json_object_get(t, keys[k])));
        assert_true(json_is_number(json_object_get(t, "score")));
        assert_true(json_is_number(json_object_get(t, "max_score")));
        assert_true(json_is_array(json_object_get(t, "tags")));
        const char *status = json_string_value(json_object_get(t, "status"));
        assert_true(strcmp(status, "passed") == 0 || strcmp(status, "failed") == 0);
    }
}

/* Three labs of different kinds (threads, processes, shared memory):
 * test_validate already grades every lab's solution to full marks, this
 * checks the Gradescope file of a full-marks grading. */
static void solutions_earn_full_marks(void **state)
{
    (void)state;
    static const char *const sample[] = {"01-bank", "03-primes", "14-shm-counter"};
    for (int l = 0; l < nlabs; l++) {
        bool sampled = false;
        for (size_t k = 0; k < sizeof sample / sizeof sample[0]; k++)
            sampled = sampled || strcmp(lab_ids[l], sample[k]) == 0;
        if (!sampled)
            continue;
        char *dir = e2e_tempdir();
        char sol[256], out[512];
        snprintf(sol, sizeof sol, "solutions/%s", lab_ids[l]);
        snprintf(out, sizeof out, "%s/results.json", dir);
        e2e_run r = grade(sol, lab_ids[l], "gradescope", out);
        if (r.status != 0)
            print_error("%s\n", r.output);
        assert_int_equal(r.status, 0);
        json_t *root = e2e_json_file(out);
        assert_gradescope_shape(root);
        size_t i;
        json_t *t;
        double max = 0;
        json_array_foreach(json_object_get(root, "tests"), i, t)
        {
            if (strcmp(json_string_value(json_object_get(t, "status")), "passed") != 0)
                print_error("%s: %s\n", lab_ids[l],
                            json_string_value(json_object_get(t, "output")));
            assert_string_equal(json_string_value(json_object_get(t, "status")), "passed");
            max += json_number_value(json_object_get(t, "max_score"));
        }
        assert_true(max > 0);
        assert_true(json_number_value(json_object_get(root, "score")) == max);
        json_decref(root);
        e2e_run_free(&r);
        e2e_rmtree(dir);
        free(dir);
    }
}

/* A student file named in lab.ini. */
static bool is_student_file(json_t *lab, const char *file)
{
    (void)lab;
    return file && strstr(file, ".c") && !strstr(file, "test_") && !strchr(file, '/');
}

static void starters_lose_points_in_every_run(void **state)
{
    (void)state;
    for (int l = 0; l < nlabs; l++) {
        char *dir = e2e_tempdir();
        char src[256], out[512];
        snprintf(src, sizeof src, "labs/%s", lab_ids[l]);
        snprintf(out, sizeof out, "%s/result.json", dir);
        e2e_run r = grade(src, lab_ids[l], "json", out);
        assert_int_equal(r.status, 0);
        json_t *root = e2e_json_file(out);
        assert_non_null(root);
        json_t *lab = lab_entry(root, lab_ids[l]);
        assert_non_null(lab);
        assert_string_equal(json_string_value(json_object_get(lab, "state")), "graded");
        assert_true(json_number_value(json_object_get(lab, "score")) <
                    json_number_value(json_object_get(lab, "max_score")));
        /* some check fails in every run: the lesson is flagged every time */
        bool flagged_every_run = false;
        size_t i;
        json_t *c;
        json_array_foreach(json_object_get(lab, "checks"), i, c)
        {
            int runs = (int)json_integer_value(json_object_get(c, "runs"));
            int failed = (int)json_integer_value(json_object_get(c, "failed_runs"));
            if (runs > 0 && failed == runs)
                flagged_every_run = true;
            /* a race-free check that failed on findings shows one at a student
             * line (it may also fail because the program hung before any) */
            if (!json_is_true(json_object_get(c, "passed")) &&
                strcmp(json_string_value(json_object_get(c, "kind")), "race-free") == 0 &&
                json_array_size(json_object_get(lab, "findings")) > 0) {
                bool at_student_line = false;
                size_t k, a;
                json_t *f, *acc;
                json_array_foreach(json_object_get(lab, "findings"), k, f)
                {
                    json_array_foreach(json_object_get(f, "accesses"), a, acc)
                    {
                        const char *file = json_string_value(json_object_get(acc, "file"));
                        if (is_student_file(lab, file) &&
                            json_integer_value(json_object_get(acc, "line")) > 0)
                            at_student_line = true;
                    }
                }
                if (!at_student_line)
                    print_error("%s: %s failed with no finding at a student line: %s\n", lab_ids[l],
                                json_string_value(json_object_get(c, "id")),
                                json_string_value(json_object_get(c, "details")));
                assert_true(at_student_line);
            }
        }
        if (!flagged_every_run)
            print_error("%s: no check failed in every run\n", lab_ids[l]);
        assert_true(flagged_every_run);
        json_decref(root);
        e2e_run_free(&r);
        e2e_rmtree(dir);
        free(dir);
    }
}

static void bank_race_is_shown_at_the_deposit_line(void **state)
{
    (void)state;
    const char *args[] = {"check", "01-bank", "--trials", "2", NULL};
    e2e_run r = e2e_racelab(args, NULL);
    assert_int_equal(r.status, 1); /* not full marks, not an error */
    assert_non_null(strstr(r.output, "bank.c:38"));
    assert_non_null(strstr(r.output, "acct->balance += cents"));
    assert_non_null(strstr(r.output, "FAIL"));
    e2e_run_free(&r);
}

/* How many checks 01-bank's lab.ini declares ([check ...] sections). */
static size_t bank_checks(void)
{
    FILE *f = fopen("labs/01-bank/lab.ini", "r");
    assert_non_null(f);
    char line[512];
    size_t n = 0;
    while (fgets(line, sizeof line, f))
        n += strncmp(line, "[check ", 7) == 0;
    fclose(f);
    return n;
}

static const char bad_syntax[] = "#include \"bank.h\"\nstruct account { long balance; }\n"
                                 "this is not C;\n";

static void compile_error_still_scores_every_check(void **state)
{
    (void)state;
    char *dir = e2e_tempdir();
    e2e_write(dir, "sub/bank.c", bad_syntax);
    char sub[512], out[512];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    snprintf(out, sizeof out, "%s/results.json", dir);
    e2e_run r = grade(sub, "01-bank", "gradescope", out);
    assert_int_equal(r.status, 0);
    json_t *root = e2e_json_file(out);
    assert_gradescope_shape(root);
    assert_true(json_number_value(json_object_get(root, "score")) == 0);
    json_t *tests = json_object_get(root, "tests");
    assert_int_equal(json_array_size(tests), bank_checks()); /* every check of 01-bank */
    const char *first = json_string_value(json_object_get(json_array_get(tests, 0), "output"));
    assert_non_null(strstr(first, "did not compile"));
    assert_non_null(strstr(first, "bank.c:3")); /* the compiler's line */
    json_decref(root);
    e2e_run_free(&r);
    e2e_rmtree(dir);
    free(dir);
}

static void missing_student_file_is_one_line_and_exit_2(void **state)
{
    (void)state;
    char *dir = e2e_tempdir();
    e2e_write(dir, "sub/README.txt", "nothing here\n");
    char sub[512], out[512];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    snprintf(out, sizeof out, "%s/results.json", dir);
    e2e_run r = grade(sub, "01-bank", "gradescope", out);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.output, "bank.c"));
    assert_non_null(strstr(r.output, "not found in the submission"));
    json_t *root = e2e_json_file(out); /* still a complete result */
    assert_gradescope_shape(root);
    assert_int_equal(json_array_size(json_object_get(root, "tests")), bank_checks());
    json_decref(root);
    e2e_run_free(&r);
    e2e_rmtree(dir);
    free(dir);
}

static void unknown_lab_and_flag_are_usage_errors(void **state)
{
    (void)state;
    const char *a1[] = {"check", "no-such-lab", NULL};
    e2e_run r = e2e_racelab(a1, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.output, "no lab 'no-such-lab'"));
    e2e_run_free(&r);
    const char *a2[] = {"grade", "--submission", ".", "--bogus", NULL};
    r = e2e_racelab(a2, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.output, "unknown option --bogus"));
    e2e_run_free(&r);
    const char *a3[] = {"check", "--trials", "zero", NULL};
    r = e2e_racelab(a3, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.output, "--trials zero"));
    e2e_run_free(&r);
    const char *a4[] = {"frobnicate", NULL};
    r = e2e_racelab(a4, NULL);
    assert_int_equal(r.status, 2);
    e2e_run_free(&r);
}

static void corrupt_lab_ini_names_file_and_line(void **state)
{
    (void)state;
    char *root = e2e_tempdir();
    char labdir[512];
    snprintf(labdir, sizeof labdir, "%s/labs/01-bank", root);
    e2e_copy("labs/01-bank", "bank.c", labdir);
    e2e_copy("labs/01-bank", "bank.h", labdir);
    e2e_copy("labs/01-bank", "test_bank.c", labdir);
    e2e_write(labdir, "lab.ini",
              "[lab]\ntitle = t\nstudent_files = bank.c\ntests = test_bank.c\n"
              "[check a]\nkind = tests\npoint = 40\n");
    char env[600];
    snprintf(env, sizeof env, "RACELAB_ROOT=%s", root);
    const char *envp[] = {env, NULL};
    const char *args[] = {"check", "01-bank", NULL};
    e2e_run r = e2e_racelab(args, envp);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.output, "lab.ini:7"));
    assert_non_null(strstr(r.output, "'point'"));
    e2e_run_free(&r);
    e2e_rmtree(root);
    free(root);
}

/* A hidden test that does not link with the student's code: the report
 * says so, but shows none of the linker's messages, which would quote the
 * hidden test (its file, its lines, the names it calls). */
static void hidden_test_build_errors_stay_hidden(void **state)
{
    (void)state;
    char *root = e2e_tempdir();
    char labdir[512], soldir[512], cmd[1600], env[600], out[600];
    snprintf(labdir, sizeof labdir, "%s/labs/01-bank", root);
    snprintf(soldir, sizeof soldir, "%s/solutions/01-bank", root);
    const char *files[] = {"bank.c", "bank.h", "test_bank.c", "lab.ini"};
    for (size_t i = 0; i < 4; i++)
        e2e_copy("labs/01-bank", files[i], labdir);
    e2e_write(soldir, "test_bank_hidden.c",
              "#include <setjmp.h>\n#include <stdarg.h>\n#include <stddef.h>\n"
              "#include <cmocka.h>\n"
              "long secret_audit_marker_42(void);\n"
              "static void audits(void **s) { (void)s; assert_true(secret_audit_marker_42()); }\n"
              "int main(void) { const struct CMUnitTest t[] = {cmocka_unit_test(audits)};\n"
              "    return cmocka_run_group_tests(t, NULL, NULL); }\n");
    snprintf(cmd, sizeof cmd,
             "mkdir -p %s/harness && cp -r harness/probe harness/lab_support %s/harness/ && "
             "mkdir -p %s/sub && cp solutions/01-bank/bank.c %s/sub/",
             root, root, root, root);
    assert_int_equal(system(cmd), 0);
    snprintf(env, sizeof env, "RACELAB_ROOT=%s", root);
    snprintf(out, sizeof out, "%s/r.json", root);
    char sub[600];
    snprintf(sub, sizeof sub, "%s/sub", root);
    const char *envp[] = {env, NULL};
    const char *args[] = {"grade", "--submission", sub, "--lab",    "01-bank", "--format",
                          "json",  "--output",     out, "--trials", "1",       NULL};
    e2e_run r = e2e_racelab(args, envp);
    assert_int_equal(r.status, 0);
    char *text = NULL;
    size_t len = 0;
    FILE *f = fopen(out, "r");
    assert_non_null(f);
    char buf[4096];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
        text = realloc(text, len + got + 1);
        memcpy(text + len, buf, got);
        len += got;
        text[len] = '\0';
    }
    fclose(f);
    assert_non_null(text);
    assert_non_null(strstr(text, "a hidden test program does not build with your code"));
    assert_null(strstr(text, "secret_audit_marker_42"));
    assert_null(strstr(text, "test_bank_hidden"));
    assert_null(strstr(r.output, "secret_audit_marker_42"));
    free(text);
    e2e_run_free(&r);
    e2e_rmtree(root);
    free(root);
}

/* Grades a bank.c written by a test and returns the JSON lab entry's checks. */
static json_t *grade_bank(const char *code, const char *timeout, int *status)
{
    char *dir = e2e_tempdir();
    e2e_write(dir, "sub/bank.c", code);
    char sub[512], out[512];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    snprintf(out, sizeof out, "%s/result.json", dir);
    const char *args[] = {"grade",    "--submission", sub,        "--lab", "01-bank",
                          "--format", "json",         "--output", out,     "--trials",
                          "2",        "--timeout",    timeout,    NULL};
    e2e_run r = e2e_racelab(args, NULL);
    *status = r.status;
    json_t *root = e2e_json_file(out);
    e2e_run_free(&r);
    e2e_rmtree(dir);
    free(dir);
    return root;
}

static const char *check_details(json_t *root, const char *check)
{
    json_t *lab = lab_entry(root, "01-bank");
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(lab, "checks"), i, c)
    {
        if (strcmp(json_string_value(json_object_get(c, "id")), check) == 0) {
            assert_false(json_is_true(json_object_get(c, "passed")));
            return json_string_value(json_object_get(c, "details"));
        }
    }
    fail_msg("no check %s", check);
    return NULL;
}

#define BANK_PRELUDE                                                                               \
    "#include \"bank.h\"\n#include <stdlib.h>\n#include <stdio.h>\n#include <unistd.h>\n"          \
    "struct account { long balance; };\n"                                                          \
    "struct account *account_open(long c) { struct account *a = malloc(sizeof *a);"                \
    " a->balance = c; return a; }\n"                                                               \
    "void account_close(struct account *a) { free(a); }\n"                                         \
    "bool account_withdraw(struct account *a, long c) { (void)a; (void)c; return false; }\n"       \
    "long account_balance(struct account *a) { return a->balance; }\n"

static void crash_hang_and_early_exit_fail_with_reasons(void **state)
{
    (void)state;
    int status;
    json_t *root = grade_bank(BANK_PRELUDE "void account_deposit(struct account *a, long c)"
                                           " { (void)a; (void)c; *(volatile int *)0 = 1; }\n",
                              "10", &status);
    assert_int_equal(status, 0);
    assert_non_null(strstr(check_details(root, "balance-correct"), "crash"));
    json_decref(root);

    root = grade_bank(BANK_PRELUDE "void account_deposit(struct account *a, long c)"
                                   " { (void)a; (void)c; for (;;) pause(); }\n",
                      "1", &status);
    assert_int_equal(status, 0);
    assert_non_null(strstr(check_details(root, "balance-correct"), "did not finish"));
    json_decref(root);

    root = grade_bank(BANK_PRELUDE "void account_deposit(struct account *a, long c)"
                                   " { (void)a; (void)c; printf(\"[  PASSED  ] 9 test(s).\\n\");"
                                   " fflush(stdout); exit(0); }\n",
                      "10", &status);
    assert_int_equal(status, 0);
    assert_non_null(strstr(check_details(root, "balance-correct"), "ended before cmocka"));
    json_decref(root);
}

static void same_submission_same_score(void **state)
{
    (void)state;
    char *dir = e2e_tempdir();
    char out1[512], out2[512];
    snprintf(out1, sizeof out1, "%s/a.json", dir);
    snprintf(out2, sizeof out2, "%s/b.json", dir);
    e2e_run r1 = grade("solutions/01-bank", "01-bank", "json", out1);
    e2e_run r2 = grade("solutions/01-bank", "01-bank", "json", out2);
    json_t *a = e2e_json_file(out1), *b = e2e_json_file(out2);
    assert_non_null(a);
    assert_non_null(b);
    assert_true(json_number_value(json_object_get(a, "score")) ==
                json_number_value(json_object_get(b, "score")));
    json_decref(a);
    json_decref(b);
    e2e_run_free(&r1);
    e2e_run_free(&r2);
    e2e_rmtree(dir);
    free(dir);
}

int main(void)
{
    lab_ids = e2e_lab_ids(&nlabs);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(solutions_earn_full_marks),
        cmocka_unit_test(starters_lose_points_in_every_run),
        cmocka_unit_test(bank_race_is_shown_at_the_deposit_line),
        cmocka_unit_test(compile_error_still_scores_every_check),
        cmocka_unit_test(missing_student_file_is_one_line_and_exit_2),
        cmocka_unit_test(unknown_lab_and_flag_are_usage_errors),
        cmocka_unit_test(corrupt_lab_ini_names_file_and_line),
        cmocka_unit_test(hidden_test_build_errors_stay_hidden),
        cmocka_unit_test(crash_hang_and_early_exit_fail_with_reasons),
        cmocka_unit_test(same_submission_same_score),
    };
    return cmocka_run_group_tests_name("e2e_grade", tests, NULL, NULL);
}
