/*
 * cmd_validate.c - `racelab validate [LAB]...`: proves each lab. It grades
 * the starter (labs/LAB) and the reference solution (solutions/LAB) RUNS
 * times each, with a different seed every time, and fails unless the
 * starter fails every check named in starter_fails in every run and the
 * solution earns full marks in every run. It prints, per lab as it is
 * proved, the detection rate, the false-failure rate and the median grading
 * time, and at the end a summary table of every lab with its verdict.
 */
#include "commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: racelab validate [LAB]... [--runs N] [--trials N] [--seed N] [--jobs N] [-v]\n"
    "Proves each LAB (every lab when none is named): its starter must fail every\n"
    "check named in lab.ini's starter_fails in every run, and its solution in\n"
    "solutions/LAB must earn full marks in every run.\n"
    "  --runs N     gradings of each (default 10), each with its own seeds\n"
    "  --trials N   trials per grading (default: the lab's own)\n"
    "  -v           say what failed in each failing run\n"
    "Prints a line per lab as it is proved, then a summary table: starter flagged\n"
    "n/N runs, solution full marks n/N runs, median seconds, verdict OK/FAIL.\n"
    "Exit status: 0 every lab proved, 1 some lab not, 2 usage error, 3 environment error.\n";

typedef struct {
    int runs;
    int starter_flagged; /* runs in which the starter failed every starter_fails check */
    int solution_full;   /* runs in which the solution earned full marks */
    double *seconds;     /* grading time of every starter and solution run */
    int nseconds;
} lab_tally;

/* One row of the closing summary table. */
typedef struct {
    const char *id;
    int flagged, full, runs;
    double median;
    bool ok;
} summary_row;

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Grades one variant of lab id with files from dir; returns the result. */
static void grade_variant(session *s, const cli_options *o, const char *id, const char *dir,
                          unsigned seed, lab_result *out)
{
    lab_manifest m;
    rl_err err = {{0}};
    if (manifest_load(s->labs_root, s->solutions_root, id, &m, &err) != RL_OK) {
        memset(out, 0, sizeof *out);
        out->state = LAB_ERROR;
        out->message = xstrdup(err.msg);
        return;
    }
    strlist files = {0};
    for (size_t i = 0; i < m.student_files.n; i++)
        strlist_push_owned(&files, xasprintf("%s/%s/%s", dir, id, m.student_files.items[i]));
    grade_options g = session_grade_options(s, o);
    g.seed = seed;
    grade_lab(&g, &m, &files, out);
    strlist_free(&files);
}

/* True when r failed every check the lab names in starter_fails. */
static bool starter_flagged(const lab_result *r, strbuf *why)
{
    if (r->state != LAB_GRADED) {
        sb_printf(why, "starter not graded: %s\n", r->message ? r->message : "?");
        return false;
    }
    bool all = r->lab.starter_fails.n > 0;
    for (size_t i = 0; i < r->lab.starter_fails.n; i++)
        for (size_t k = 0; k < r->lab.nchecks; k++)
            if (strcmp(r->lab.checks[k].id, r->lab.starter_fails.items[i]) == 0 &&
                r->checks[k].passed) {
                sb_printf(why, "starter passed %s\n", r->lab.checks[k].id);
                all = false;
            }
    if (r->lab.starter_fails.n == 0)
        sb_append(why, "lab.ini names no starter_fails checks\n");
    return all;
}

static bool solution_full(const lab_result *r, strbuf *why)
{
    if (r->state != LAB_GRADED) {
        sb_printf(why, "solution not graded: %s\n", r->message ? r->message : "?");
        return false;
    }
    for (size_t k = 0; k < r->lab.nchecks; k++)
        if (!r->checks[k].passed)
            sb_printf(why, "solution failed %s: %s\n%s", r->lab.checks[k].id, r->checks[k].summary,
                      r->checks[k].details ? r->checks[k].details : "");
    return r->score >= r->max_score;
}

static bool validate_lab(session *s, const cli_options *o, const char *id, int runs, lab_tally *t)
{
    memset(t, 0, sizeof *t);
    t->runs = runs;
    bool progress = isatty(2) && !getenv("CI");
    t->seconds = xcalloc((size_t)runs * 2, sizeof *t->seconds);
    for (int run = 0; run < runs; run++) {
        /* seeds of run k never overlap those of another run */
        unsigned seed = o->seed + (unsigned)run * 1000;
        lab_result starter, solution;
        grade_variant(s, o, id, s->labs_root, seed, &starter);
        grade_variant(s, o, id, s->solutions_root, seed, &solution);
        strbuf why;
        sb_init(&why);
        t->starter_flagged += starter_flagged(&starter, &why);
        t->solution_full += solution_full(&solution, &why);
        t->seconds[t->nseconds++] = starter.seconds;
        t->seconds[t->nseconds++] = solution.seconds;
        if (why.len && o->verbose)
            fprintf(stderr, "%s run %d (seeds from %u):\n%s", id, run + 1, seed, why.data);
        sb_free(&why);
        lab_result_free(&starter);
        lab_result_free(&solution);
        if (progress)
            fprintf(stderr, "\r\033[Kvalidating %s: run %d/%d", id, run + 1, runs);
    }
    if (progress)
        fprintf(stderr, "\r\033[K");
    return t->starter_flagged == runs && t->solution_full == runs;
}

/* The closing table: one row per lab validated, then the count of each verdict. */
static void print_summary(const summary_row *rows, size_t n)
{
    size_t failed = 0;
    for (size_t i = 0; i < n; i++)
        failed += !rows[i].ok;
    printf("\nsummary: %zu lab%s, %zu OK, %zu FAIL\n", n, n == 1 ? "" : "s", n - failed, failed);
    printf("%-16s %15s %19s %9s  %s\n", "lab", "starter flagged", "solution full marks", "median s",
           "verdict");
    for (size_t i = 0; i < n; i++) {
        char flagged[32], full[32];
        snprintf(flagged, sizeof flagged, "%d/%d", rows[i].flagged, rows[i].runs);
        snprintf(full, sizeof full, "%d/%d", rows[i].full, rows[i].runs);
        printf("%-16s %15s %19s %9.2f  %s\n", rows[i].id, flagged, full, rows[i].median,
               rows[i].ok ? "OK" : "FAIL");
    }
}

static int parse_runs(int *argc, char **argv, int *runs)
{
    /* --runs is validate's own option: take it out before the shared parser */
    int out = 1;
    for (int i = 1; i < *argc; i++) {
        const char *value = NULL;
        if (strcmp(argv[i], "--runs") == 0 && i + 1 < *argc)
            value = argv[++i];
        else if (strncmp(argv[i], "--runs=", 7) == 0)
            value = argv[i] + 7;
        else {
            argv[out++] = argv[i];
            continue;
        }
        char *end = NULL;
        long n = strtol(value, &end, 10);
        if (!*value || *end || n < 1 || n > 1000) {
            fprintf(stderr, "racelab: --runs %s: give a whole number from 1 to 1000\n", value);
            return -1;
        }
        *runs = (int)n;
    }
    *argc = out;
    return 0;
}

int cmd_validate(int argc, char **argv)
{
    int runs = 10;
    if (parse_runs(&argc, argv, &runs) != 0)
        return 2;
    cli_options o;
    int rc0 = cli_start(argc, argv, CLI_LABS_POSITIONAL | CLI_RUN_FLAGS, usage, &o);
    if (rc0 >= 0)
        return rc0;
    rl_err err = {{0}};
    session s;
    strlist ids = {0};
    int rc = 0;
    if (session_open(&s, &o, &err) != RL_OK ||
        (o.labs.n == 0 && session_lab_ids(&s, &ids, &err) != RL_OK)) {
        fprintf(stderr, "racelab: %s\n", err.msg);
        rc = 2;
    } else if (session_toolchain(&s, &err) != RL_OK) {
        fprintf(stderr, "racelab: %s\n", err.msg);
        rc = 3;
    }
    for (size_t i = 0; i < o.labs.n; i++)
        strlist_push(&ids, o.labs.items[i]);
    for (size_t i = 0; rc != 2 && rc != 3 && i < ids.n; i++) {
        lab_manifest m;
        if (manifest_load(s.labs_root, s.solutions_root, ids.items[i], &m, &err) != RL_OK) {
            fprintf(stderr, "racelab: %s\n", err.msg);
            rc = 2;
            break;
        }
        manifest_free(&m);
    }
    if (rc == 0)
        printf("%-16s %-8s %18s %22s %10s\n", "lab", "verdict", "starter flagged",
               "solution full marks", "median s");
    summary_row *rows = xcalloc(ids.n + 1, sizeof *rows);
    size_t nrows = 0;
    for (size_t i = 0; rc <= 1 && i < ids.n; i++) {
        lab_tally t;
        bool ok = validate_lab(&s, &o, ids.items[i], runs, &t);
        qsort(t.seconds, (size_t)t.nseconds, sizeof *t.seconds, compare_doubles);
        printf("%-16s %-8s %12d/%-5d %16d/%-5d %10.2f\n", ids.items[i], ok ? "ok" : "FAILED",
               t.starter_flagged, t.runs, t.solution_full, t.runs, t.seconds[t.nseconds / 2]);
        fflush(stdout);
        rows[nrows++] = (summary_row){.id = ids.items[i],
                                      .flagged = t.starter_flagged,
                                      .full = t.solution_full,
                                      .runs = t.runs,
                                      .median = t.seconds[t.nseconds / 2],
                                      .ok = ok};
        free(t.seconds);
        if (!ok)
            rc = 1;
    }
    if (nrows)
        print_summary(rows, nrows);
    free(rows);
    strlist_free(&ids);
    session_close(&s);
    cli_options_free(&o);
    return rc;
}
