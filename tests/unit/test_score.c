/*
 * test_score.c - the scorer: a check earns its points only when it holds in
 * every run; a check that fails in some runs is called nondeterministic with
 * its rate; crashed or silent programs fail tests checks with the reason;
 * race-free checks count only the finding kinds they name; hidden tests'
 * failure messages stay private.
 */
#include "score.h"
#include "util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static lab_manifest lab(void)
{
    lab_manifest m = {0};
    m.id = xstrdup("01-x");
    m.nchecks = 2;
    m.checks = xcalloc(2, sizeof *m.checks);
    m.checks[0].id = xstrdup("sums");
    m.checks[0].kind = CHECK_TESTS;
    m.checks[0].points = 40;
    strlist_push(&m.checks[0].tests, "sum_*");
    m.checks[1].id = xstrdup("race-free");
    m.checks[1].kind = CHECK_RACE_FREE;
    m.checks[1].points = 60;
    strlist_push(&m.checks[1].kinds, "data race");
    return m;
}

/* A trial whose one program ran the named tests with the given verdicts. */
static trial_result trial(int index, const char *names[], const bool passed[], size_t n,
                          bool hidden)
{
    trial_result t = {.index = index, .seed = 100 + (unsigned)index, .threads = 4, .timeout = 5};
    t.nruns = 1;
    t.runs = xcalloc(1, sizeof *t.runs);
    t.runs[0].name = xstrdup(hidden ? "test_hidden" : "test_x");
    t.runs[0].hidden = hidden;
    t.runs[0].have_results = true;
    t.runs[0].tests.items = xcalloc(n, sizeof(test_case));
    t.runs[0].tests.n = n;
    for (size_t i = 0; i < n; i++) {
        t.runs[0].tests.items[i].name = xstrdup(names[i]);
        t.runs[0].tests.items[i].passed = passed[i];
        t.runs[0].tests.items[i].message = passed[i] ? NULL : xstrdup("secret.c:9: 3 != 4");
    }
    return t;
}

static void add_finding(trial_result *t, tsan_kind kind)
{
    t->findings.items = xrealloc(t->findings.items, (t->findings.n + 1) * sizeof(tsan_finding));
    tsan_finding *f = &t->findings.items[t->findings.n++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->title = xstrdup(tsan_kind_name(kind));
    f->summary = xasprintf("%s x.c:3 in f", tsan_kind_name(kind)); /* as TSan writes it */
    f->key = xstrdup("k");
    f->count = 1;
}

static const char *names[] = {"sum_small", "sum_big", "other"};

static void all_runs_pass_earns_points(void **state)
{
    (void)state;
    lab_manifest m = lab();
    bool ok[] = {true, true, false}; /* "other" is not this check's */
    trial_result t[3];
    for (int i = 0; i < 3; i++)
        t[i] = trial(i, names, ok, 3, false);
    check_result r[2];
    score_lab(&m, t, 3, NULL, r);
    assert_true(r[0].passed);
    assert_true(r[0].score == 40);
    assert_string_equal(r[0].summary, "passed in all 3 runs");
    assert_null(r[0].details);
    assert_true(r[1].passed);
    assert_true(r[1].score == 60);
    for (int i = 0; i < 3; i++)
        trial_result_free(&t[i]);
    for (int i = 0; i < 2; i++)
        check_result_free(&r[i]);
    manifest_free(&m);
}

static void one_failing_run_is_nondeterministic_and_scores_zero(void **state)
{
    (void)state;
    lab_manifest m = lab();
    bool ok[] = {true, true, true}, bad[] = {true, false, true};
    trial_result t[4];
    for (int i = 0; i < 4; i++)
        t[i] = trial(i, names, i == 2 ? bad : ok, 3, false);
    add_finding(&t[1], TSAN_DATA_RACE);
    check_result r[2];
    score_lab(&m, t, 4, NULL, r);
    assert_false(r[0].passed);
    assert_true(r[0].score == 0);
    assert_int_equal(r[0].failed_runs, 1);
    assert_non_null(strstr(r[0].summary, "failed in 1 of 4 runs"));
    assert_non_null(strstr(r[0].summary, "nondeterministic"));
    assert_non_null(strstr(r[0].details, "run 3 (seed 102, 4 threads)"));
    assert_non_null(strstr(r[0].details, "test sum_big failed: secret.c:9: 3 != 4"));
    assert_false(r[1].passed);
    assert_int_equal(r[1].failed_runs, 1);
    for (int i = 0; i < 4; i++)
        trial_result_free(&t[i]);
    for (int i = 0; i < 2; i++)
        check_result_free(&r[i]);
    manifest_free(&m);
}

static void race_free_counts_only_its_kinds(void **state)
{
    (void)state;
    lab_manifest m = lab();
    bool ok[] = {true, true, true};
    trial_result t = trial(0, names, ok, 3, false);
    add_finding(&t, TSAN_THREAD_LEAK);
    check_result r[2];
    score_lab(&m, &t, 1, NULL, r);
    assert_true(r[1].passed); /* a thread leak is not a data race */
    check_result_free(&r[0]);
    check_result_free(&r[1]);
    /* with no kinds named, every finding counts, and unreadable reports too */
    strlist_free(&m.checks[1].kinds);
    score_lab(&m, &t, 1, NULL, r);
    assert_false(r[1].passed);
    assert_non_null(strstr(r[1].details, "thread leak"));
    check_result_free(&r[0]);
    check_result_free(&r[1]);
    tsan_findings_free(&t.findings);
    t.findings.unparsed = 1;
    score_lab(&m, &t, 1, NULL, r);
    assert_false(r[1].passed);
    assert_non_null(strstr(r[1].details, "could not be read"));
    check_result_free(&r[0]);
    check_result_free(&r[1]);
    trial_result_free(&t);
    manifest_free(&m);
}

static void silent_or_crashed_program_fails_with_reason(void **state)
{
    (void)state;
    lab_manifest m = lab();
    trial_result t = trial(0, names, (bool[]){true, true, true}, 0, false);
    t.runs[0].have_results = false;
    t.runs[0].results_error = xstrdup("the program ended before cmocka reported its tests");
    t.runs[0].run.end = RUN_SIGNALED;
    t.runs[0].run.signal = 11;
    check_result r[2];
    score_lab(&m, &t, 1, NULL, r);
    assert_false(r[0].passed);
    assert_non_null(strstr(r[0].details, "test_x killed by signal 11"));
    assert_non_null(strstr(r[0].details, "ended before cmocka"));
    /* no race report from a program that crashed is no evidence of no races */
    assert_false(r[1].passed);
    assert_non_null(strstr(r[1].details, "did not run to the end"));
    check_result_free(&r[0]);
    check_result_free(&r[1]);
    t.runs[0].run.end = RUN_TIMED_OUT;
    score_lab(&m, &t, 1, NULL, r);
    assert_non_null(strstr(r[0].details, "did not finish within 5.0 s"));
    check_result_free(&r[0]);
    check_result_free(&r[1]);
    trial_result_free(&t);
    manifest_free(&m);
}

static void hidden_failures_keep_their_code_private(void **state)
{
    (void)state;
    lab_manifest m = lab();
    bool bad[] = {false, true, true};
    trial_result t = trial(0, names, bad, 3, true);
    check_result r[2];
    score_lab(&m, &t, 1, NULL, r);
    assert_false(r[0].passed);
    assert_non_null(strstr(r[0].details, "hidden test sum_small failed"));
    assert_null(strstr(r[0].details, "secret.c"));
    check_result_free(&r[0]);
    check_result_free(&r[1]);
    trial_result_free(&t);
    manifest_free(&m);
}

static void failed_lab_scores_every_check_zero(void **state)
{
    (void)state;
    lab_manifest m = lab();
    check_result r[2];
    score_all_failed(&m, "did not compile", r);
    for (int i = 0; i < 2; i++) {
        assert_true(r[i].score == 0);
        assert_false(r[i].passed);
        assert_string_equal(r[i].summary, "did not compile");
        check_result_free(&r[i]);
    }
    manifest_free(&m);
}

static void scaling_judges_the_median_contention(void **state)
{
    (void)state;
    lab_manifest m = {0};
    m.nchecks = 1;
    m.checks = xcalloc(1, sizeof *m.checks);
    m.checks[0].id = xstrdup("scaling");
    m.checks[0].kind = CHECK_SCALING;
    m.checks[0].points = 15;
    m.checks[0].max_contention = 0.3;
    scaling_result sc = {.measured = true,
                         .runs = 3,
                         .ratios = {0.1, 0.5, 0.2},
                         .locks = {100, 100, 100},
                         .median = 0.2};
    check_result r;
    score_lab(&m, NULL, 0, &sc, &r);
    assert_true(r.passed);
    assert_true(r.score == 15);
    assert_int_equal(r.failed_runs, 1); /* one run over the bound, the median under it */
    assert_non_null(strstr(r.summary, "20% of lock calls"));
    check_result_free(&r);
    sc.median = 0.7;
    score_lab(&m, NULL, 0, &sc, &r);
    assert_false(r.passed);
    assert_non_null(strstr(r.summary, "70%"));
    assert_non_null(r.details);
    check_result_free(&r);
    /* no lock taken at all: nothing to measure, no points */
    sc.median = 0;
    sc.locks[0] = sc.locks[1] = sc.locks[2] = 0;
    score_lab(&m, NULL, 0, &sc, &r);
    assert_false(r.passed);
    assert_non_null(strstr(r.summary, "took no lock"));
    check_result_free(&r);
    /* the measurement could not run */
    scaling_result broken = {.runs = 3, .error = xstrdup("the uninstrumented (-O2) build failed")};
    score_lab(&m, NULL, 0, &broken, &r);
    assert_false(r.passed);
    assert_non_null(strstr(r.summary, "-O2"));
    check_result_free(&r);
    scaling_result_free(&broken);
    manifest_free(&m);
}

/* The summary a failed check quotes drops the binary's path, offset and
 * build id, and keeps everything else, whatever the line holds. */
static void summaries_lose_paths_and_build_ids(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"lock-order-inversion (potential deadlock) (/tmp/x/test_ledger+0xa733a) (BuildId: "
         "4161ed110e16c168) in pthread_mutex_lock",
         "lock-order-inversion (potential deadlock) in pthread_mutex_lock"},
        {"data race (/tmp/tmp.E/race_mutex+0xd0205) (BuildId: 7cf34b7d) ", "data race"},
        {"data race bank.c:38:5 in account_deposit", "data race bank.c:38:5 in account_deposit"},
        {"double lock of a mutex (a b+0x1) in f", "double lock of a mutex (a b+0x1) in f"},
        {"x (unclosed+0x1", "x (unclosed+0x1"},
        {"(BuildId: at start)", "(BuildId: at start)"},
        {" (BuildId: )", " (BuildId: )"},
        {"", ""},
        {"   ", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = score_tidy_summary(cases[i][0]);
        assert_string_equal(got, cases[i][1]);
        free(got);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(all_runs_pass_earns_points),
        cmocka_unit_test(one_failing_run_is_nondeterministic_and_scores_zero),
        cmocka_unit_test(race_free_counts_only_its_kinds),
        cmocka_unit_test(silent_or_crashed_program_fails_with_reason),
        cmocka_unit_test(hidden_failures_keep_their_code_private),
        cmocka_unit_test(failed_lab_scores_every_check_zero),
        cmocka_unit_test(scaling_judges_the_median_contention),
        cmocka_unit_test(summaries_lose_paths_and_build_ids),
    };
    return cmocka_run_group_tests_name("score", tests, NULL, NULL);
}
