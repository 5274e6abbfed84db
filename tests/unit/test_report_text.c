/*
 * test_report_text.c - the feedback a student reads in a terminal
 * (report_write_text), rendered from captured ThreadSanitizer logs.
 *
 * Every clang 14 and 19 log of tests/fixtures/tsan (each kind tsan_parse
 * knows) is parsed and rendered as a failed race-free check of a lab whose
 * student file is the fixture's program (tests/fixtures/tsan/src/NAME.c):
 * the text must name the student's file:line of every access, quote it
 * with the lines around it, name the variable and where each thread was
 * started, show a lock-order cycle, and fold away frames of libc, the TSan
 * runtime and racelab unless verbose. tests/fixtures/feedback holds real
 * logs of 01-bank's and 10-transfers' starters as racelab grades them
 * (probe frames, threads started by visible and hidden tests) with the
 * starters' sources as they were: the hidden test is never quoted or named
 * beyond "a hidden test". Also: the test outcomes of nondeterministic runs,
 * a lab's per-kind hints, the guards against hostile source files, the
 * expression a race is on, and when colour is used. Run from the project
 * root.
 */
#include "manifest.h"
#include "report.h"
#include "report_frames.h"
#include "report_source.h"
#include "term.h"
#include "util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "report_fixture.h"

#define FIXTURES "tests/fixtures/tsan"
#define FEEDBACK "tests/fixtures/feedback"

/* ---- building results ---- */

/* A graded lab "01-fx" with one failed race-free check (every kind counts),
 * the student's files (name, absolute path) and the findings of a log. */
static lab_result lab_with_log(const char *log, const char *const *student,
                               const char *const *paths, size_t nstudent)
{
    lab_result lab = {0};
    lab.lab.id = xstrdup("01-fx");
    lab.lab.title = xstrdup("A fixture lab");
    for (size_t i = 0; i < nstudent; i++) {
        strlist_push(&lab.lab.student_files, student[i]);
        char *abs = paths[i][0] == '/' ? NULL : realpath(paths[i], NULL);
        strlist_push_owned(&lab.sources, abs ? abs : xstrdup(paths[i]));
    }
    strlist_push(&lab.lab.tests, "test_bank.c");
    strlist_push(&lab.lab.tests, "test_ledger.c");
    strlist_push(&lab.lab.hidden_tests, "test_bank_hidden.c");
    lab.lab.nchecks = 1;
    lab.lab.checks = xcalloc(1, sizeof *lab.lab.checks);
    lab_check *k = &lab.lab.checks[0];
    k->id = xstrdup("race-free");
    k->title = xstrdup("No data races");
    k->kind = CHECK_RACE_FREE;
    k->points = 50;
    k->hint = xstrdup("The check's own hint.");
    lab.lab.max_points = 50;
    lab.state = LAB_GRADED;
    lab.ntrials = 2;
    lab.trials = xcalloc(2, sizeof *lab.trials);
    for (int t = 0; t < 2; t++) {
        lab.trials[t].index = t;
        lab.trials[t].seed = 7 + (unsigned)t;
    }
    if (log) {
        char *text = read_file(log);
        rl_err err = {{0}};
        assert_int_equal(tsan_parse(text, strlen(text), &lab.findings, &err), RL_OK);
        free(text);
    }
    lab.stats = xcalloc(lab.findings.n + 1, sizeof *lab.stats);
    for (size_t i = 0; i < lab.findings.n; i++)
        lab.stats[i] = (finding_stat){.trials = 2, .first_trial = 0, .first_seed = 7};
    lab.checks = xcalloc(1, sizeof *lab.checks);
    lab.checks[0] = (check_result){.check = k,
                                   .runs = 2,
                                   .failed_runs = 2,
                                   .summary = xstrdup("failed in all 2 runs"),
                                   .details = xstrdup("run 1 (seed 7, 4 threads):\nDETAILS\n")};
    lab.max_score = 50;
    return lab;
}

/* The text report of one lab. */
static char *render(lab_result *lab, bool color, bool verbose)
{
    report r = {.labs = lab, .nlabs = 1, .color = color, .verbose = verbose, .seconds = 1};
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    rl_err err = {{0}};
    assert_int_equal(report_write_text(&r, out, &err), RL_OK);
    assert_int_equal(fclose(out), 0);
    return text;
}

/* Line n of a source file, as the report shows it after "N |". */
static char *source_line(const char *path, int n)
{
    char *text = read_file(path), *p = text;
    for (int i = 1; i < n && p; i++) {
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    char *line = p ? xstrndup(p, strcspn(p, "\n")) : NULL;
    free(text);
    if (line)
        for (size_t k = strlen(line); k > 0 && line[k - 1] == ' '; k--)
            line[k - 1] = '\0';
    return line;
}

/* Checks that the report quotes line n of path (as "n | text"), and the
 * lines around it that exist. */
static void expect_context(const char *out, const char *path, int n)
{
    for (int k = n - 2; k <= n + 2; k++) {
        char *line = k > 0 ? source_line(path, k) : NULL;
        if (!line)
            continue;
        char *want = xasprintf("%d |%s%s\n", k, *line ? " " : "", line);
        expect(out, want);
        free(want);
        free(line);
    }
}

/* What a non-verbose report never shows: raw frames of libc, the TSan
 * runtime, interceptors, racelab's probe, or the log's raw decorations. */
static void expect_folded(const char *out)
{
    const char *const never[] = {"libc.so",      "<null>",        "__interceptor", "__tsan",
                                 "BuildId",      "racelab_probe", ".racelab/",     "#0 ",
                                 "libcmocka.so", "nptl",          "sysdeps",       "0x7"};
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
        expect_not(out, never[i]);
}

/* ---- every kind, from the captured fixtures ---- */

/* Renders fixture log `name` (NAME.clangNN.log, program src/NAME.c) and
 * checks what every finding must show. */
static void check_fixture(const char *name)
{
    char *prog = xstrndup(name, strcspn(name, "."));
    char *student = xasprintf("%s.c", prog), *src = xasprintf(FIXTURES "/src/%s.c", prog);
    char *log = xasprintf(FIXTURES "/%s", name);
    const char *names[] = {student}, *paths[] = {src};
    lab_result lab = lab_with_log(log, names, paths, 1);
    assert_true(lab.findings.n > 0);
    char *out = render(&lab, false, false);
    expect(out, "Problem 1: ");
    expect(out, "replay it: build/racelab replay 01-fx --seed 7");
    expect_folded(out);
    for (size_t i = 0; i < lab.findings.n && i < 5; i++) {
        const tsan_finding *f = &lab.findings.items[i];
        if (f->variable) {
            char *want = xasprintf("`%s`", f->variable);
            expect(out, want);
            free(want);
        }
        for (size_t a = 0; a < f->naccesses; a++) {
            const tsan_frame *fr = tsan_stack_first(&f->accesses[a].stack, NULL, NULL);
            if (!fr || strcmp(fr->file, student) != 0)
                continue;
            char *at = xasprintf("%s:%d", student, fr->line);
            expect(out, at);
            free(at);
            if (f->kind != TSAN_LOCK_ORDER || !f->accesses[a].is_previous)
                expect_context(out, src, fr->line); /* a lock held: named, not quoted */
            int thread = f->accesses[a].thread;
            for (size_t t = 0; t < f->nthreads && f->kind != TSAN_LOCK_ORDER; t++) {
                const tsan_frame *made = tsan_stack_first(&f->threads[t].created, NULL, NULL);
                if (f->threads[t].id != thread || !made)
                    continue;
                char *origin = xasprintf("thread T%d was started in %s() at %s:%d", thread,
                                         made->func, made->file, made->line);
                expect(out, origin);
                free(origin);
            }
        }
        if (f->kind == TSAN_THREAD_LEAK) {
            const tsan_frame *made = tsan_stack_first(&f->threads[0].created, NULL, NULL);
            expect(out, "never joined or detached");
            expect_context(out, src, made->line);
        }
        if (f->kind == TSAN_LOCK_ORDER)
            expect(out, "the cycle: M0 → M1 → M0");
    }
    /* verbose: every frame, numbered */
    char *all = render(&lab, false, true);
    expect(all, "#0 ");
    expect(all, "DETAILS");
    free(all);
    free(out);
    lab_result_free(&lab);
    free(prog);
    free(student);
    free(src);
    free(log);
}

static void every_captured_kind_renders(void **state)
{
    (void)state;
    strlist names = {0};
    rl_err err = {{0}};
    assert_int_equal(dir_list(FIXTURES, &names, &err), RL_OK);
    size_t checked = 0;
    for (size_t i = 0; i < names.n; i++) {
        const char *n = names.items[i];
        if (!name_matches("*.clang1[49].log", n))
            continue;
        print_message("    %s\n", n);
        check_fixture(n);
        checked++;
    }
    assert_true(checked >= 32);
    strlist_free(&names);
}

/* Words per kind, on the clang 19 captures. */
static void kinds_in_plain_words(void **state)
{
    (void)state;
    static const struct {
        const char *log, *words;
    } cases[] = {
        {"race_global", "two threads wrote `balance` at the same time without a common lock"},
        {"race_mutex", "holding M0 (first locked in careful() at race_mutex.c:11)"},
        {"race_mutex", "thread T2 wrote it in careless() at race_mutex.c:20, holding no lock"},
        {"race_atomic", "one thread wrote `ready` with a plain (non-atomic) write while another "
                        "atomically wrote it"},
        {"race_heap", "`slots[3]` is in a heap block allocated in main() at race_heap.c:15"},
        {"race_stack", "`*hits` is a local variable of the main thread"},
        {"use_after_free", "`buf[2]` was written after its memory was freed"},
        {"use_after_free",
         "before that, the main thread freed it in main() at use_after_free.c:19"},
        {"lock_order", "two locks, M0 and M1, are taken in opposite orders"},
        {"lock_order", "M0 then M1: thread T1 took M1 (`to_lock`) in transfer() at "
                       "lock_order.c:13, holding M0 (`from_lock`), which it took at "
                       "lock_order.c:12"},
        {"lock_order", "M1 then M0: thread T2 took M0 (`from_lock`) in refund() at "
                       "lock_order.c:25"},
        {"signal_unsafe", "the signal interrupted main() at signal_unsafe.c:21"},
        {"mutex_double_lock", "the mutex was first locked in forgetful() at "
                              "mutex_double_lock.c:10"},
        {"crash_segv", "it happened in store() at crash_segv.c:8"},
        {"thread_leak", "thread T1 was started but never joined or detached"},
        {"signal_unsafe", "a signal handler called malloc(), which is not async-signal-safe"},
        {"signal_errno", "the handler of signal 14 changes errno and does not restore it"},
        {"mutex_unlock_unlocked", "the mutex `lock` was unlocked while it was not locked"},
        {"mutex_double_lock", "a thread locked the mutex `lock` while it already held it"},
        {"mutex_destroy_locked", "it was locked in main() at mutex_destroy_locked.c:8"},
        {"crash_segv", "the program crashed: SEGV on unknown address"},
        {"multi", "`calls`"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *student = xasprintf("%s.c", cases[i].log);
        char *src = xasprintf(FIXTURES "/src/%s.c", cases[i].log);
        char *log = xasprintf(FIXTURES "/%s.clang19.log", cases[i].log);
        const char *names[] = {student}, *paths[] = {src};
        lab_result lab = lab_with_log(log, names, paths, 1);
        char *out = render(&lab, false, false);
        expect(out, cases[i].words);
        free(out);
        lab_result_free(&lab);
        free(student);
        free(src);
        free(log);
    }
}

/* Hand-made and hostile logs (every other log of the fixtures): whatever
 * they hold, the text is clean. */
static void odd_logs_render_clean(void **state)
{
    (void)state;
    strlist logs = {0};
    rl_err err = {{0}};
    assert_int_equal(dir_list(FIXTURES, &logs, &err), RL_OK);
    const char *names[] = {"queue.c"}, *paths[] = {"/nonexistent/queue.c"};
    size_t rendered = 0;
    for (size_t i = 0; i < logs.n; i++) {
        if (!name_matches("*.log", logs.items[i]) ||
            name_matches("*.clang1[49].log", logs.items[i]))
            continue;
        char *log = xasprintf(FIXTURES "/%s", logs.items[i]);
        lab_result lab = lab_with_log(log, names, paths, 1);
        bool handmade = strcmp(logs.items[i], "handmade_variants.log") == 0;
        for (int v = 0; v < 2; v++) {
            char *out = render(&lab, false, v);
            for (const unsigned char *p = (const unsigned char *)out; *p; p++)
                assert_false((*p < 0x20 && *p != '\n') || *p == 0x7f);
            if (handmade) {
                expect(out, "queue.c:31");
                expect(out, "the cycle: M10 → M11 → M12 → M10");
                expect(out, "thread T3 was started in spawn() at queue.c:20");
            }
            free(out);
        }
        lab_result_free(&lab);
        free(log);
        rendered++;
    }
    assert_int_equal(rendered, 9);
    strlist_free(&logs);
}

/* ---- real gradings: probe frames, visible and hidden tests ---- */

/* A folder standing in for the lab and its solutions, holding tests whose
 * text must never be quoted. */
static void remove_dir(char *dir)
{
    dir_remove_tree(dir, NULL);
    free(dir);
}

static void bank_starter_as_graded(void **state)
{
    (void)state;
    char *dir = secret_tests();
    const char *names[] = {"bank.c"}, *paths[] = {FEEDBACK "/bank.c"};
    const char *logs[] = {FEEDBACK "/bank.tsan.log", FEEDBACK "/bank_hidden.tsan.log"};
    for (size_t l = 0; l < 2; l++) {
        lab_result lab = lab_with_log(logs[l], names, paths, 1);
        lab.lab.dir = xstrdup(dir);
        lab.lab.solution_dir = xstrdup(dir);
        for (int v = 0; v < 2; v++) {
            char *out = render(&lab, false, v);
            expect(out, "`acct->balance`");
            expect(out, "is in a heap block allocated in account_open() at bank.c:24");
            expect(out, "bank.c:38");
            expect_context(out, FEEDBACK "/bank.c", 38);
            expect_context(out, FEEDBACK "/bank.c", 43);
            expect_not(out, "SECRET_TEST_LINE");
            expect_not(out, "test_bank_hidden");
            expect_not(out, "random_worker");
            expect_not(out, "deposits_and_withdrawals_conserve_money");
            if (l == 0) {
                expect(out, "two threads wrote `acct->balance` at the same time without a "
                            "common lock");
                expect(out, "thread T2 was started in run_tellers() at test_bank.c:87");
            } else {
                expect(out, "thread T2 was started by a hidden test");
                expect(out, "thread T2 read it");
            }
            if (!v)
                expect_folded(out);
            else
                expect(out, "#0 account_deposit bank.c:38:19");
            free(out);
        }
        lab_result_free(&lab);
    }
    remove_dir(dir);
}

static void ledger_deadlock_cycle(void **state)
{
    (void)state;
    const char *names[] = {"ledger.c"}, *paths[] = {FEEDBACK "/ledger.c"};
    lab_result lab = lab_with_log(FEEDBACK "/ledger.tsan.log", names, paths, 1);
    char *out = render(&lab, false, false);
    expect(out, "the cycle: M0 → M1 → M0");
    /* the roles swap: the student sees payer and payee locked in both orders */
    expect(out, "M0 then M1: thread T4 took M1 (`payee->lock`) in ledger_transfer() at "
                "ledger.c:76, holding M0 (`payer->lock`), which it took at ledger.c:75");
    expect(out, "M1 then M0: thread T4 took M0 (`payee->lock`) in ledger_transfer() at "
                "ledger.c:76, holding M1 (`payer->lock`)");
    expect_context(out, FEEDBACK "/ledger.c", 76);
    expect(out, "thread T4 was started in run_and_check() at test_ledger.c:93");
    expect_folded(out);
    free(out);
    out = render(&lab, false, true);
    expect(out, "racelab_probe_pthread_mutex_lock"); /* -v: every frame */
    free(out);
    lab_result_free(&lab);
}

/* ---- hints chosen by the lab ---- */

static void write_ini(const char *dir, const char *text)
{
    char *path = path_join(dir, "lab.ini");
    rl_err err = {{0}};
    assert_int_equal(file_write(path, text, strlen(text), &err), RL_OK);
    free(path);
    char *c = path_join(dir, "race_mutex.c");
    assert_int_equal(file_write(c, "x\n", 2, &err), RL_OK);
    free(c);
}

static const char ini_head[] = "[lab]\ntitle = t\nstudent_files = race_mutex.c\n"
                               "tests = race_mutex.c\n";

static void per_kind_hints(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/racelab-test-hints-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    char *ini = xasprintf("%s[check race-free]\nkind = race-free\npoints = 5\n"
                          "hint = GENERAL HINT\nhint_data_race = Lock `total` in careless() too.\n"
                          "hint_lock_order_inversion = Take locks in one order.\n",
                          ini_head);
    write_ini(tmpl, ini);
    free(ini);
    lab_manifest m;
    rl_err err = {{0}};
    char *path = path_join(tmpl, "lab.ini");
    assert_int_equal(manifest_parse_file(path, "01-fx", tmpl, tmpl, &m, &err), RL_OK);
    assert_string_equal(m.checks[0].kind_hints[TSAN_DATA_RACE], "Lock `total` in careless() too.");
    assert_null(m.checks[0].kind_hints[TSAN_THREAD_LEAK]);

    const char *names[] = {"race_mutex.c"}, *paths[] = {FIXTURES "/src/race_mutex.c"};
    lab_result lab = lab_with_log(FIXTURES "/race_mutex.clang14.log", names, paths, 1);
    manifest_free(&lab.lab);
    lab.lab = m;
    lab.checks[0].check = &lab.lab.checks[0];
    char *out = render(&lab, false, false);
    expect(out, "  Hint: Lock `total` in careless() too.");
    expect_not(out, "GENERAL HINT"); /* every problem had its own */
    expect_not(out, "one order");
    free(out);
    /* the platforms' description of one finding carries the kind's hint too */
    strbuf sb;
    sb_init(&sb);
    report_describe_finding(&sb, &lab, 0);
    expect(sb.data, "Hint: Lock `total`");
    sb_free(&sb);
    /* without a hint for the kind, the check's own */
    free(lab.lab.checks[0].kind_hints[TSAN_DATA_RACE]);
    lab.lab.checks[0].kind_hints[TSAN_DATA_RACE] = NULL;
    out = render(&lab, false, false);
    expect(out, "Hint: GENERAL HINT");
    free(out);
    lab_result_free(&lab);

    /* only under race-free checks, only known kinds */
    const char *bad[] = {"[check t]\nkind = tests\npoints = 1\nhint_data_race = x\n",
                         "[check r]\nkind = race-free\npoints = 1\nhint_data_races = x\n"};
    const char *why[] = {"per-kind hints belong to race-free checks", "hint_lock_order_inversion"};
    for (size_t i = 0; i < 2; i++) {
        ini = xasprintf("%s%s", ini_head, bad[i]);
        write_ini(tmpl, ini);
        free(ini);
        assert_int_not_equal(manifest_parse_file(path, "01-fx", tmpl, tmpl, &m, &err), RL_OK);
        expect(err.msg, why[i]);
        manifest_free(&m);
    }
    free(path);
    dir_remove_tree(tmpl, NULL);
}

/* ---- nondeterminism: how the tests fared ---- */

static void test_outcomes_grouped(void **state)
{
    (void)state;
    const char *names[] = {"x.c"}, *paths[] = {"/nonexistent/x.c"};
    lab_result lab = lab_with_log(NULL, names, paths, 1);
    free(lab.trials);
    lab.ntrials = 20;
    lab.trials = xcalloc(20, sizeof *lab.trials);
    for (int t = 0; t < 20; t++) {
        trial_result *tr = &lab.trials[t];
        tr->index = t;
        tr->seed = 1 + (unsigned)t;
        const char *msg = t < 12   ? NULL
                          : t < 17 ? "990 != 1000\ntest_x.c:12: error: Failure!"
                                   : "980 != 1000\ntest_x.c:12: error: Failure!";
        add_test(tr, "test_x", false, "sum_all", msg);
        add_test(tr, "test_x", false, "sum_none", NULL);
        add_test(tr, "test_x_hidden", true, "secret_sum",
                 t % 4 == 0 ? "SECRET MESSAGE 41 != 42\nsecret.c:3: error: Failure!" : NULL);
    }
    lab_check *k = &lab.lab.checks[0];
    k->kind = CHECK_TESTS;
    free(k->title);
    k->title = xstrdup("Sums add up");
    check_result *c = &lab.checks[0];
    c->failed_runs = 10;
    c->runs = 20;
    free(c->summary);
    c->summary = xstrdup("failed in 10 of 20 runs (nondeterministic)");
    char *out = render(&lab, false, false);
    expect(out, "FLAKY");
    expect(out, "how the tests fared over the 20 runs:");
    expect(out, "sum_all: passed in 12 runs; `990 != 1000` at test_x.c:12 in 5; `980 != 1000` at "
                "test_x.c:12 in 3 (first in run 13, seed 13)");
    expect(out, "hidden test secret_sum: passed in 15 runs; failed in 5 (first in run 1, seed 1)");
    expect(out, "the other test passed in every run");
    expect(out, "replay the first failing run: build/racelab replay 01-fx --seed 1");
    expect_not(out, "SECRET");
    expect_not(out, "secret.c");
    expect_not(out, "DETAILS"); /* the outcomes say it all */
    expect_not(out, "sum_none");
    free(out);
    out = render(&lab, false, true);
    expect(out, "sum_none: passed in all 20 runs");
    expect_not(out, "SECRET MESSAGE");
    free(out);

    /* many distinct messages: the first few, then a count */
    for (int t = 0; t < 20; t++) {
        test_case *s = &lab.trials[t].runs[0].tests.items[0];
        free(s->message);
        s->message = xasprintf("balance %d != 1000, a long message that does not fit on the test's "
                               "own line",
                               t);
        s->passed = false;
    }
    out = render(&lab, false, false);
    expect(out, "sum_all: failed in 20 (first in run 1, seed 1)");
    expect(out, "    in 1 run: `balance 0 != 1000, a long message");
    expect(out, "    in 15 more runs: 15 other messages");
    free(out);
    lab_result_free(&lab);
}

/* ---- layout and colour ---- */

static void full_marks_is_one_line(void **state)
{
    (void)state;
    const char *names[] = {"x.c"}, *paths[] = {"/nonexistent/x.c"};
    lab_result lab = lab_with_log(NULL, names, paths, 1);
    check_result *c = &lab.checks[0];
    c->passed = true;
    c->failed_runs = 0;
    c->score = 50;
    lab.score = 50;
    free(c->summary);
    c->summary = xstrdup("passed in all 2 runs");
    char *out = render(&lab, false, false);
    expect(out, "01-fx  A fixture lab  50/50  (0.0 s, 2 runs)  all 1 checks passed\nTotal: 50/50");
    expect_not(out, "PASS");
    free(out);
    out = render(&lab, false, true);
    expect(out, "  PASS  No data races");
    free(out);
    lab_result_free(&lab);
}

static void colour_decision(void **state)
{
    (void)state;
    assert_true(term_decide(true, NULL, NULL, "xterm-256color"));
    assert_true(term_decide(true, "", "", NULL));           /* set but empty: as if unset */
    assert_false(term_decide(false, NULL, NULL, "xterm"));  /* redirected */
    assert_false(term_decide(true, "1", NULL, "xterm"));    /* NO_COLOR */
    assert_false(term_decide(true, NULL, "true", "xterm")); /* CI */
    assert_false(term_decide(true, "1", "true", "xterm"));
    assert_false(term_decide(false, "1", "true", "xterm"));
    assert_false(term_decide(true, NULL, NULL, "dumb"));

    const char *names[] = {"race_global.c"}, *paths[] = {FIXTURES "/src/race_global.c"};
    lab_result lab = lab_with_log(FIXTURES "/race_global.clang14.log", names, paths, 1);
    char *coloured = render(&lab, true, false), *plain = render(&lab, false, false);
    expect(coloured, "\033[31m");
    expect(coloured, "\033[1mProblem 1:");
    expect_not(plain, "\033");
    report r = {.labs = &lab, .nlabs = 1, .color = true};
    char *embedded = report_text_string(&r); /* the platforms' copy never has colour */
    expect_not(embedded, "\033");
    expect(embedded, "Problem 1:");
    free(embedded);
    free(coloured);
    free(plain);
    lab_result_free(&lab);
}

/* ---- the student's source: what is read, and how ---- */

static void hostile_sources(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/racelab-test-source-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    char *bin = path_join(tmpl, "bin.c"), *big = path_join(tmpl, "big.c");
    char *longl = path_join(tmpl, "long.c"), *link = path_join(tmpl, "link.c");
    char *ctl = path_join(tmpl, "ctl.c");
    rl_err err = {{0}};
    assert_int_equal(file_write(bin, "a\nb\0c\nx = 1;\n", 13, &err), RL_OK);
    size_t n = SOURCE_FILE_MAX + 10;
    char *huge = xmalloc(n);
    memset(huge, 'y', n);
    for (size_t i = 80; i < n; i += 81)
        huge[i] = '\n';
    assert_int_equal(file_write(big, huge, n, &err), RL_OK);
    memset(huge, 'z', 5000);
    huge[5000] = '\n';
    assert_int_equal(file_write(longl, huge, 5001, &err), RL_OK);
    free(huge);
    char *target = realpath(FEEDBACK "/bank.c", NULL);
    assert_non_null(target);
    assert_int_equal(symlink(target, link), 0);
    free(target);
    const char ctext[] = "int x;\n\tx = \033[2J 1; \x01\n";
    assert_int_equal(file_write(ctl, ctext, sizeof ctext - 1, &err), RL_OK);

    const char *names[] = {"bin.c", "big.c", "long.c", "link.c", "ctl.c"};
    const char *paths[] = {bin, big, longl, link, ctl};
    lab_result lab = lab_with_log(NULL, names, paths, 5);
    strbuf sb;
    sb_init(&sb);
    assert_false(report_source_context(&sb, &lab, "bin.c", 3, 2, 0));
    assert_false(report_source_context(&sb, &lab, "big.c", 3, 2, 0));
    assert_false(report_source_context(&sb, &lab, "link.c", 3, 2, 0));
    assert_false(report_source_context(&sb, &lab, "other.c", 1, 2, 0)); /* not the student's */
    assert_false(report_source_context(&sb, &lab, "long.c", 5, 2, 0));  /* no such line */
    assert_int_equal(sb.len, 0);
    assert_true(report_source_context(&sb, &lab, "long.c", 1, 2, 0));
    assert_true(sb.len < SOURCE_LINE_MAX + 40);
    expect(sb.data, "> 1 | zzzz");
    expect(sb.data, "[...]");
    sb_free(&sb);
    sb_init(&sb);
    assert_true(report_source_context(&sb, &lab, "ctl.c", 2, 2, 0));
    expect(sb.data, "  1 | int x;\n> 2 |     x = ?[2J 1; ?\n");
    sb_free(&sb);
    lab_result_free(&lab);
    free(bin);
    free(big);
    free(longl);
    free(link);
    free(ctl);
    dir_remove_tree(tmpl, NULL);
}

static void expression_at_column(void **state)
{
    (void)state;
    static const struct {
        const char *line;
        int col;
        const char *want; /* NULL: nothing to name */
    } cases[] = {
        {"    acct->balance += cents;", 19, "acct->balance"},
        {"    if (acct->balance < cents)", 15, "acct->balance"},
        {"    return acct->balance;", 18, "acct->balance"},
        {"    *hits += 1;", 11, "*hits"},
        {"    slots[3] += 1;", 14, "slots[3]"},
        {"    slots[i + 1] = 0;", 5, "slots[i + 1]"},
        {"    (*c)++;", 9, "(*c)"},
        {"    ++count;", 5, "count"},
        {"    t->stats.hits++;", 18, "t->stats.hits"},
        {"    ready = 0;", 11, "ready"},
        {"    __atomic_store_n(&ready, 1, __ATOMIC_RELAXED);", 5, NULL},
        {"    x = f(a)->y;", 15, NULL},
        {"    x = f(a)->y;", 7, "x"},
        {"    return 0;", 5, NULL},
        {"    42;", 5, NULL},
        {"short", 99, NULL},
        {"short", 0, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = report_source_expression_in(cases[i].line, cases[i].col);
        if (cases[i].want == NULL ? got != NULL : !got || strcmp(got, cases[i].want) != 0)
            fail_msg("\"%s\" at %d: got %s, want %s", cases[i].line, cases[i].col,
                     got ? got : "NULL", cases[i].want ? cases[i].want : "NULL");
        free(got);
    }
}

static void argument_of_call(void **state)
{
    (void)state;
    char *got = report_source_argument_in("    pthread_mutex_lock(&payee->lock); /* x */", 5);
    assert_string_equal(got, "payee->lock");
    free(got);
    got = report_source_argument_in("    lock2(&a[f(1, 2)].m, 3);", 5);
    assert_string_equal(got, "a[f(1, 2)].m");
    free(got);
    assert_null(report_source_argument_in("    x = y;", 5));
    assert_null(report_source_argument_in("    f(", 5));
    assert_null(report_source_argument_in("    f()", 5));
}

static void replay_commands(void **state)
{
    (void)state;
    strbuf sb;
    sb_init(&sb);
    report_replay_command(&sb, "01-bank", 3, NULL);
    assert_string_equal(sb.data, "build/racelab replay 01-bank --seed 3");
    sb_free(&sb);
    sb_init(&sb);
    report_replay_command(&sb, "01-bank", 3, "subs/alice.tar.gz");
    assert_string_equal(sb.data,
                        "build/racelab replay 01-bank --seed 3 --submission subs/alice.tar.gz");
    sb_free(&sb);
    sb_init(&sb);
    report_replay_command(&sb, "01-bank", 3, "my sub/it's");
    assert_string_equal(sb.data,
                        "build/racelab replay 01-bank --seed 3 --submission 'my sub/it'\\''s'");
    sb_free(&sb);
}

/* The probe's frames are racelab's, whether its object was compiled in
 * this build (".racelab/probe.c") or came from the object cache, built
 * with -fdebug-compilation-dir=. ("./.racelab/probe.c"); a student file of
 * the same base name elsewhere stays the student's or the system's. */
static void probe_frames_are_racelab(void **state)
{
    (void)state;
    const char *names[] = {"bank.c"}, *paths[] = {"/nowhere/bank.c"};
    lab_result lab = lab_with_log(FIXTURES "/race_atomic.clang14.log", names, paths, 1);
    tsan_frame fresh = {.func = "lock_helper", .file = ".racelab/probe.c"};
    tsan_frame cached = {.func = "lock_helper", .file = "./.racelab/probe.c"};
    tsan_frame student = {.func = "deposit", .file = "bank.c"};
    tsan_frame other = {.func = "deposit", .file = "./racelab/probe.c"};
    assert_int_equal(report_frame_class(&lab, &fresh), FRAME_RACELAB);
    assert_int_equal(report_frame_class(&lab, &cached), FRAME_RACELAB);
    assert_int_equal(report_frame_class(&lab, &student), FRAME_STUDENT);
    assert_int_equal(report_frame_class(&lab, &other), FRAME_SYSTEM);
    lab_result_free(&lab);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_captured_kind_renders),
        cmocka_unit_test(kinds_in_plain_words),
        cmocka_unit_test(odd_logs_render_clean),
        cmocka_unit_test(bank_starter_as_graded),
        cmocka_unit_test(ledger_deadlock_cycle),
        cmocka_unit_test(per_kind_hints),
        cmocka_unit_test(test_outcomes_grouped),
        cmocka_unit_test(full_marks_is_one_line),
        cmocka_unit_test(colour_decision),
        cmocka_unit_test(hostile_sources),
        cmocka_unit_test(expression_at_column),
        cmocka_unit_test(argument_of_call),
        cmocka_unit_test(replay_commands),
        cmocka_unit_test(probe_frames_are_racelab),
    };
    return cmocka_run_group_tests_name("report_text", tests, NULL, NULL);
}
