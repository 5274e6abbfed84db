/*
 * score.c - applies lab.ini's checks to trial results (see score.h).
 */
#include "score.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

#define SCORE_DETAIL_RUNS 2 /* differing failing runs described in a check's details */

bool score_check_counts(const lab_check *check, const tsan_finding *f)
{
    if (check->kinds.n == 0)
        return true;
    return strlist_contains(&check->kinds, tsan_kind_name(f->kind)) ||
           strlist_contains(&check->kinds, f->title);
}

bool score_check_covers(const lab_check *check, const char *test)
{
    if (check->tests.n == 0)
        return true;
    for (size_t i = 0; i < check->tests.n; i++)
        if (name_matches(check->tests.items[i], test))
            return true;
    return false;
}

/* The tests a check covers: every name any trial reported, with the program
 * it came from. A test never reported anywhere cannot be named, so a program
 * that never reported any result (it crashed or hung every time) counts for
 * every check, and its failure is shown instead. */
static void expected_tests(const lab_check *check, const trial_result *trials, size_t n,
                           strlist *tests, strlist *programs)
{
    strlist reporting = {0};
    for (size_t t = 0; t < n; t++)
        for (size_t r = 0; r < trials[t].nruns; r++) {
            const program_run *run = &trials[t].runs[r];
            if (run->have_results && !strlist_contains(&reporting, run->name))
                strlist_push(&reporting, run->name);
            for (size_t i = 0; i < run->tests.n; i++) {
                const char *name = run->tests.items[i].name;
                if (score_check_covers(check, name) && !strlist_contains(tests, name)) {
                    strlist_push(tests, name);
                    if (!strlist_contains(programs, run->name))
                        strlist_push(programs, run->name);
                }
            }
        }
    for (size_t r = 0; n > 0 && r < trials[0].nruns; r++)
        if (!strlist_contains(&reporting, trials[0].runs[r].name))
            strlist_push(programs, trials[0].runs[r].name);
    strlist_free(&reporting);
}

/* Why ThreadSanitizer stopped a program: the fatal reports (crashes such as
 * SEGV, which TSan catches and reports at the faulting line) of the trial. */
static char *describe_sanitizer_stop(const trial_result *t)
{
    strbuf sb;
    sb_init(&sb);
    sb_append(&sb, "crashed or was stopped by ThreadSanitizer");
    unsigned shown = 0;
    for (size_t i = 0; i < t->findings.n && shown < 2; i++) {
        const tsan_finding *f = &t->findings.items[i];
        if (f->kind != TSAN_OTHER || !f->summary)
            continue;
        sb_printf(&sb, "%s %s", shown++ ? ";" : ":", f->summary);
    }
    return sb_take(&sb);
}

/* True when a parenthesised group, without its parentheses, is a binary's
 * "path+0xOFFSET" or a "BuildId: HEX". */
static bool noise_group(const char *s, size_t n)
{
    if (n > 9 && strncmp(s, "BuildId: ", 9) == 0)
        return true;
    const char *plus = memmem(s, n, "+0x", 3);
    return plus && !memchr(s, ' ', n);
}

char *score_tidy_summary(const char *summary)
{
    strbuf sb;
    sb_init(&sb);
    for (const char *s = summary; *s;) {
        const char *close = s[0] == ' ' && s[1] == '(' ? strchr(s + 2, ')') : NULL;
        if (close && noise_group(s + 2, (size_t)(close - s - 2))) {
            s = close + 1;
            continue;
        }
        sb_appendn(&sb, s, 1);
        s++;
    }
    char *out = sb_take(&sb);
    for (size_t n = strlen(out); n > 0 && out[n - 1] == ' '; n--)
        out[n - 1] = '\0';
    return out;
}

static bool program_ended_badly(const program_run *r)
{
    return r->run.end == RUN_TIMED_OUT || r->run.end == RUN_SIGNALED ||
           r->run.end == RUN_NOT_STARTED || r->run.end == RUN_OUT_OF_MEMORY;
}

bool score_run_incomplete(const program_run *run)
{
    return program_ended_badly(run) || !run->have_results || run->crashed;
}

/* Judges a tests check in one trial; appends why it failed to why, and
 * sets *other when a program (not a test's verdict) is to blame. */
static bool tests_hold(const lab_check *check, const trial_result *t, const strlist *tests,
                       const strlist *programs, strbuf *why, bool *other)
{
    bool ok = true;
    for (size_t r = 0; r < t->nruns; r++) {
        const program_run *run = &t->runs[r];
        /* a check over every test needs every program; a narrower one, the
         * programs that reported its tests (or never reported anything) */
        if (check->tests.n && !strlist_contains(programs, run->name))
            continue;
        if (program_ended_badly(run) || !run->have_results) {
            char *how = run->run.end == RUN_EXITED && run->run.exit_code == ANALYSE_TSAN_EXIT_CODE
                            ? describe_sanitizer_stop(t)
                            : run_outcome_describe(&run->run, t->timeout);
            sb_printf(why, "%s %s", run->hidden ? "a hidden test program" : run->name, how);
            if (run->crashed)
                sb_append(why, "; a test crashed (a signal such as a segmentation fault)");
            else if (!run->have_results && run->results_error)
                sb_printf(why, "; %s", run->results_error);
            sb_append(why, "\n");
            free(how);
            ok = false;
            *other = true;
        }
    }
    for (size_t i = 0; i < tests->n; i++) {
        bool found;
        if (trial_test_passed(t, tests->items[i], &found) || !found)
            continue; /* not found: its program's failure is reported above */
        for (size_t r = 0; r < t->nruns; r++)
            for (size_t j = 0; j < t->runs[r].tests.n; j++) {
                const test_case *c = &t->runs[r].tests.items[j];
                if (strcmp(c->name, tests->items[i]) != 0)
                    continue;
                if (t->runs[r].hidden) /* name the hidden test, keep its code private */
                    sb_printf(why, "hidden test %s failed\n", c->name);
                else
                    sb_printf(why, "test %s failed: %s\n", c->name,
                              c->message ? c->message : "(no message)");
            }
        ok = false;
    }
    if (tests->n == 0 && ok) {
        sb_append(why, "no test result matched this check (lab.ini tests = ...)\n");
        ok = false;
        *other = true;
    }
    return ok;
}

/* Judges a race-free check in one trial; appends why it failed to why, and
 * sets *other when more than its findings is to blame. */
static bool race_free_holds(const lab_check *check, const trial_result *t, strbuf *why, bool *other)
{
    unsigned counted = 0;
    /* "no report" is evidence only from programs that ran to the end: code
     * that crashes or hangs before its threads meet must not pass */
    for (size_t r = 0; r < t->nruns; r++) {
        const program_run *run = &t->runs[r];
        if (program_ended_badly(run) || !run->have_results || run->crashed) {
            sb_printf(why, "%s did not run to the end (%s), so races could not be ruled out\n",
                      run->hidden ? "a hidden test program" : run->name,
                      run->crashed                    ? "a test crashed"
                      : run->run.end == RUN_TIMED_OUT ? "it timed out"
                                                      : "it stopped early");
            counted++;
            *other = true;
        }
    }
    for (size_t i = 0; i < t->findings.n; i++) {
        const tsan_finding *f = &t->findings.items[i];
        if (!score_check_counts(check, f))
            continue;
        if (counted++ < 3) {
            char *summary = f->summary ? score_tidy_summary(f->summary) : NULL;
            sb_printf(why, "ThreadSanitizer: %s\n", summary ? summary : tsan_kind_name(f->kind));
            free(summary);
        }
    }
    if (counted > 3)
        sb_printf(why, "... and %u more\n", counted - 3);
    /* ThreadSanitizer's exit status says it reported problems: with no
     * report left to read, someone removed its log */
    for (size_t r = 0; r < t->nruns && counted == 0 && t->findings.n == 0; r++)
        if (t->runs[r].run.end == RUN_EXITED &&
            t->runs[r].run.exit_code == ANALYSE_TSAN_EXIT_CODE && !t->runs[r].crashed) {
            sb_printf(why, "%s ended with ThreadSanitizer's status, but its report is gone\n",
                      t->runs[r].hidden ? "a hidden test program" : t->runs[r].name);
            counted++;
            *other = true;
        }
    if (t->findings.unparsed && check->kinds.n == 0) {
        sb_printf(why, "ThreadSanitizer wrote %u report(s) that could not be read whole\n",
                  t->findings.unparsed);
        counted++;
        *other = true;
    }
    return counted == 0;
}

/* The probe's counts of a trial: calls summed over its programs, marks the
 * highest of any program. False when no program left counts. */
static bool trial_probe(const trial_result *t, probe_counts *sum)
{
    memset(sum, 0, sizeof *sum);
    for (size_t r = 0; r < t->nruns; r++) {
        const probe_counts *p = &t->runs[r].probe;
        if (!p->present)
            continue;
        sum->present = true;
        for (int i = 0; i < PROBE_NPRIM; i++)
            sum->calls[i] += p->calls[i];
        sum->threads_max = p->threads_max > sum->threads_max ? p->threads_max : sum->threads_max;
        sum->procs_max = p->procs_max > sum->procs_max ? p->procs_max : sum->procs_max;
    }
    return sum->present;
}

static bool mechanism_holds(const lab_check *check, const trial_result *t, strbuf *why)
{
    probe_counts p;
    if (!trial_probe(t, &p)) {
        sb_append(why, "no program left the probe's counts (did it start at all?)\n");
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < check->nrequire; i++) {
        const check_requirement *r = &check->require[i];
        if (p.calls[r->primitive] >= r->at_least)
            continue;
        sb_printf(why, "your code called %s %llu time%s; this lab wants at least %lu\n",
                  probe_primitive_words(r->primitive), (unsigned long long)p.calls[r->primitive],
                  p.calls[r->primitive] == 1 ? "" : "s", r->at_least);
        ok = false;
    }
    for (int i = 0; i < PROBE_NPRIM; i++) {
        if (!check->forbid[i] || p.calls[i] == 0)
            continue;
        sb_printf(why, "your code called %s %llu time%s; this lab does not allow it\n",
                  probe_primitive_words((probe_primitive)i), (unsigned long long)p.calls[i],
                  p.calls[i] == 1 ? "" : "s");
        ok = false;
    }
    return ok;
}

static bool concurrency_holds(const lab_check *check, const trial_result *t, strbuf *why)
{
    probe_counts p;
    if (!trial_probe(t, &p)) {
        sb_append(why, "no program left the probe's counts (did it start at all?)\n");
        return false;
    }
    bool ok = true;
    if (check->min_threads && p.threads_max < check->min_threads) {
        sb_printf(why,
                  "at most %lld of your threads were alive at once; this lab wants at least %d "
                  "(joining each thread right after creating it runs them one by one)\n",
                  (long long)p.threads_max, check->min_threads);
        ok = false;
    }
    if (check->min_processes && p.procs_max < check->min_processes) {
        sb_printf(why,
                  "at most %lld of your child processes were alive at once; this lab wants at "
                  "least %d (waiting for each child right after forking it runs them one by "
                  "one)\n",
                  (long long)p.procs_max, check->min_processes);
        ok = false;
    }
    return ok;
}

static char *run_summary(int failed, int runs)
{
    const char *s = runs == 1 ? "" : "s";
    if (failed == 0)
        return runs == 1 ? xstrdup("passed in its only run")
                         : xasprintf("passed in all %d runs", runs);
    if (failed == runs)
        return runs == 1 ? xstrdup("failed in its only run")
                         : xasprintf("failed in all %d runs", runs);
    return xasprintf("failed in %d of %d run%s (nondeterministic: it depends on the schedule)",
                     failed, runs, s);
}

static bool check_holds(const lab_check *check, const trial_result *t, const strlist *tests,
                        const strlist *programs, strbuf *why, bool *other)
{
    switch (check->kind) {
    case CHECK_SCALING:
        return true; /* judged once, over the measurement runs: see score_scaling */
    case CHECK_TESTS:
        return tests_hold(check, t, tests, programs, why, other);
    case CHECK_RACE_FREE:
        return race_free_holds(check, t, why, other);
    case CHECK_MECHANISM:
        return mechanism_holds(check, t, why);
    case CHECK_CONCURRENCY:
        return concurrency_holds(check, t, why);
    }
    return false;
}

static void score_check(const lab_check *check, const trial_result *trials, size_t n,
                        check_result *out)
{
    memset(out, 0, sizeof *out);
    out->check = check;
    out->runs = (int)n;
    strlist tests = {0}, programs = {0};
    if (check->kind == CHECK_TESTS)
        expected_tests(check, trials, n, &tests, &programs);
    strbuf details;
    sb_init(&details);
    strlist shown = {0}; /* failure texts already described */
    for (size_t t = 0; t < n; t++) {
        strbuf why;
        sb_init(&why);
        bool ok = check_holds(check, &trials[t], &tests, &programs, &why, &out->other_reasons);
        if (!ok && ++out->failed_runs && shown.n < SCORE_DETAIL_RUNS &&
            !strlist_contains(&shown, why.data)) {
            sb_printf(&details, "run %d (seed %u, %d threads):\n%s", trials[t].index + 1,
                      trials[t].seed, trials[t].threads, why.data);
            strlist_push(&shown, why.data);
        }
        sb_free(&why);
    }
    strlist_free(&shown);
    out->passed = n > 0 && out->failed_runs == 0;
    out->score = out->passed ? check->points : 0;
    out->summary = n ? run_summary(out->failed_runs, (int)n) : xstrdup("not run");
    out->details = details.len ? sb_take(&details) : NULL;
    sb_free(&details);
    strlist_free(&tests);
    strlist_free(&programs);
}

/* A scaling check holds when the median share of lock calls that found the
 * lock taken stays within the check's bound. */
static void score_scaling(const lab_check *check, const scaling_result *s, check_result *out)
{
    memset(out, 0, sizeof *out);
    out->check = check;
    out->runs = s ? s->runs : 0;
    if (!s || !s->measured) {
        out->failed_runs = out->runs;
        out->summary =
            xasprintf("could not be measured: %s", s && s->error ? s->error : "no measurement ran");
        return;
    }
    uint64_t locks = 0;
    for (int i = 0; i < s->runs; i++)
        locks += s->locks[i];
    if (locks == 0) {
        /* no evidence either way: a scaling check is about how the locks are cut */
        out->failed_runs = out->runs;
        out->summary = xstrdup("failed: your code took no lock, so how finely it locks could "
                               "not be measured");
        return;
    }
    out->passed = s->median <= check->max_contention;
    out->score = out->passed ? check->points : 0;
    for (int i = 0; i < s->runs; i++)
        out->failed_runs += s->ratios[i] > check->max_contention;
    out->summary = xasprintf("%s: %.0f%% of lock calls found the lock taken (median of %d "
                             "runs; at most %.0f%% allowed)",
                             out->passed ? "passed" : "failed", 100 * s->median, s->runs,
                             100 * check->max_contention);
    if (!out->passed)
        out->details = xstrdup("while one thread held a lock, the others kept needing that same "
                               "lock: the threads mostly wait for each other, so adding threads "
                               "cannot make the work faster\n");
}

void score_lab(const lab_manifest *lab, const trial_result *trials, size_t n,
               const scaling_result *scaling, check_result *out)
{
    for (size_t i = 0; i < lab->nchecks; i++) {
        if (lab->checks[i].kind == CHECK_SCALING)
            score_scaling(&lab->checks[i], scaling, &out[i]);
        else
            score_check(&lab->checks[i], trials, n, &out[i]);
    }
}

void scaling_result_free(scaling_result *s)
{
    free(s->error);
    memset(s, 0, sizeof *s);
}

void score_all_failed(const lab_manifest *lab, const char *reason, check_result *out)
{
    for (size_t i = 0; i < lab->nchecks; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].check = &lab->checks[i];
        out[i].summary = xstrdup(reason);
    }
}

void check_result_free(check_result *r)
{
    free(r->summary);
    free(r->details);
    memset(r, 0, sizeof *r);
}
