/*
 * report_outcomes.c - how each test fared over a lab's runs (see report.h,
 * report_describe_outcomes): the picture of nondeterminism a student needs.
 *
 * A test that fails in some runs and passes in others fails because of the
 * schedule, and the spread of its failure messages shows how: "passed in 12
 * runs; `990 != 1000` in 5; `980 != 1000` in 3" says updates are lost, a
 * few at a time. The messages are cmocka's, read per run from its XML
 * report (cmocka_results.h), grouped when equal and counted. cmocka adds a
 * line "test_bank.c:130: error: Failure!" to each; it becomes "at
 * test_bank.c:130". A hidden test is named with its counts, never its
 * messages, as score.c does. The counts are also given as data
 * (report_outcomes), from which the HTML page draws its chart.
 */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GROUPS_SHOWN 5   /* distinct failure messages shown per test */
#define SHORT_MESSAGE 60 /* messages this short may share one line */
#define MESSAGE_MAX 400  /* bytes of a message shown */

typedef report_outcome_group group;
typedef report_outcome tally;

/* The test named `name` in trial t, or NULL when it did not report. */
static const test_case *find_test(const trial_result *t, const char *name)
{
    for (size_t r = 0; r < t->nruns; r++)
        for (size_t i = 0; i < t->runs[r].tests.n; i++)
            if (strcmp(t->runs[r].tests.items[i].name, name) == 0)
                return &t->runs[r].tests.items[i];
    return NULL;
}

/* Every test the check covers, in the order the runs reported them. */
static tally *collect(const lab_result *lab, const lab_check *k, size_t *n)
{
    tally *all = NULL;
    *n = 0;
    for (size_t t = 0; t < lab->ntrials; t++)
        for (size_t r = 0; r < lab->trials[t].nruns; r++) {
            const program_run *run = &lab->trials[t].runs[r];
            for (size_t i = 0; i < run->tests.n; i++) {
                const char *name = run->tests.items[i].name;
                bool known = false;
                for (size_t j = 0; j < *n && !known; j++)
                    known = strcmp(all[j].name, name) == 0;
                if (known || !score_check_covers(k, name))
                    continue;
                all = xrealloc(all, (*n + 1) * sizeof *all);
                all[(*n)++] = (tally){.name = name, .hidden = run->hidden};
            }
        }
    return all;
}

static void add_failure(tally *y, const char *message, size_t trial)
{
    for (size_t g = 0; g < y->ngroups; g++)
        if ((!message && !y->groups[g].message) ||
            (message && y->groups[g].message && strcmp(message, y->groups[g].message) == 0)) {
            y->groups[g].runs++;
            return;
        }
    y->groups = xrealloc(y->groups, (y->ngroups + 1) * sizeof *y->groups);
    y->groups[y->ngroups++] = (group){.message = message, .runs = 1, .first = trial};
}

static void count(const lab_result *lab, tally *y)
{
    for (size_t t = 0; t < lab->ntrials; t++) {
        const test_case *c = find_test(&lab->trials[t], y->name);
        if (c && c->passed) {
            y->passed++;
            continue;
        }
        if (!y->failed && !y->missing)
            y->first_failed = t;
        if (!c) {
            y->missing++;
            continue;
        }
        y->failed++;
        add_failure(y, y->hidden ? NULL : (c->message ? c->message : "(no message)"), t);
    }
}

static int by_runs(const void *a, const void *b);

/* Counts every test check k covers, its groups sorted (see report.h). */
report_outcome *report_outcomes(const lab_result *lab, const lab_check *k, size_t *n)
{
    tally *all = collect(lab, k, n);
    for (size_t i = 0; i < *n; i++) {
        count(lab, &all[i]);
        if (all[i].ngroups > 1)
            qsort(all[i].groups, all[i].ngroups, sizeof *all[i].groups, by_runs);
    }
    return all;
}

void report_outcomes_free(report_outcome *o, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(o[i].groups);
    free(o);
}

static int by_runs(const void *a, const void *b)
{
    const group *x = a, *y = b;
    if (x->runs != y->runs)
        return x->runs > y->runs ? -1 : 1;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* A cmocka message on one line: its text in backticks, then where the
 * test failed: "`4 threads ... lost` at test_bank.c:130". New string. */
char *report_outcome_message(const char *message)
{
    char *clean = report_clean_text(message, MESSAGE_MAX);
    strbuf text, at;
    sb_init(&text);
    sb_init(&at);
    for (char *line = clean; *line;) {
        size_t n = strcspn(line, "\n");
        char *end = line + n;
        bool more = *end != '\0';
        *end = '\0';
        char *colon = strstr(line, ": error: Failure!");
        if (colon && colon > line && !at.len) {
            sb_appendn(&at, line, (size_t)(colon - line));
        } else if (*line) {
            sb_printf(&text, "%s%s", text.len ? "; " : "", line);
        }
        line = more ? end + 1 : end;
    }
    for (char *p = text.data; *p; p++)
        if (*p == '\t')
            *p = ' ';
    char *out = at.len ? xasprintf("`%s` at %s", text.data, at.data) : xasprintf("`%s`", text.data);
    sb_free(&text);
    sb_free(&at);
    free(clean);
    return out;
}

static const char *runs_word(unsigned n)
{
    return n == 1 ? "run" : "runs";
}

/* Appends one test's line(s). */
static void put_tally(strbuf *sb, const lab_result *lab, const tally *y)
{
    sb_printf(sb, "  %s%s: ", y->hidden ? "hidden test " : "", y->name);
    if (!y->failed && !y->missing) {
        sb_printf(sb, "passed in all %zu %s\n", lab->ntrials, runs_word((unsigned)lab->ntrials));
        return;
    }
    if (y->passed)
        sb_printf(sb, "passed in %u %s; ", y->passed, runs_word(y->passed));
    /* a few short messages share the test's line, as in "`990 != 1000` in 5" */
    bool inline_groups = !y->hidden && y->ngroups <= 3;
    char *lines[GROUPS_SHOWN] = {0};
    size_t shown = y->ngroups < GROUPS_SHOWN ? y->ngroups : GROUPS_SHOWN;
    for (size_t g = 0; g < shown; g++) {
        lines[g] = y->groups[g].message ? report_outcome_message(y->groups[g].message) : NULL;
        inline_groups = inline_groups && lines[g] && strlen(lines[g]) <= SHORT_MESSAGE + 2;
    }
    if (inline_groups) {
        for (size_t g = 0; g < shown; g++)
            sb_printf(sb, "%s%s in %u", g ? "; " : "", lines[g], y->groups[g].runs);
    } else if (y->failed) {
        sb_printf(sb, "failed in %u", y->failed);
    }
    if (y->missing)
        sb_printf(sb, "%sno result in %u (its program did not finish)", y->failed ? "; " : "",
                  y->missing);
    const trial_result *first = &lab->trials[y->first_failed];
    sb_printf(sb, " (first in run %d, seed %u)", first->index + 1, first->seed);
    if (y->hidden && y->failed)
        sb_append(sb, "; a hidden test's messages stay private");
    sb_append(sb, "\n");
    for (size_t g = 0; g < shown && !inline_groups; g++) {
        if (lines[g])
            sb_printf(sb, "    in %u %s: %s\n", y->groups[g].runs, runs_word(y->groups[g].runs),
                      lines[g]);
    }
    if (!inline_groups && y->ngroups > shown) {
        unsigned rest = 0;
        for (size_t g = shown; g < y->ngroups; g++)
            rest += y->groups[g].runs;
        sb_printf(sb, "    in %u more %s: %zu other messages\n", rest, runs_word(rest),
                  y->ngroups - shown);
    }
    for (size_t g = 0; g < shown; g++)
        free(lines[g]);
}

void report_describe_outcomes(strbuf *sb, const lab_result *lab, const lab_check *k,
                              const report_detail *d)
{
    size_t n;
    tally *all = report_outcomes(lab, k, &n);
    unsigned quiet = 0, shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (!all[i].failed && !all[i].missing && !d->verbose) {
            quiet++;
            continue;
        }
        if (shown++ == 0)
            sb_printf(sb, "how the tests fared over the %zu %s:\n", lab->ntrials,
                      runs_word((unsigned)lab->ntrials));
        put_tally(sb, lab, &all[i]);
    }
    if (shown && quiet)
        sb_append(sb, "  the other test");
    if (shown && quiet > 1)
        sb_printf(sb, "s (%u)", quiet);
    if (shown && quiet)
        sb_append(sb, " passed in every run\n");
    report_outcomes_free(all, n);
}
