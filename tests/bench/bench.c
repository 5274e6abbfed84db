/*
 * bench.c - `make bench`: how long grading takes and what ThreadSanitizer
 * costs, measured with the harness's own pipeline on this machine.
 *
 * For every lab it grades the starter and the reference solution REPEAT
 * times at the lab's default trial count and prints the median wall time;
 * then the median time to grade the whole catalogue (every solution); then,
 * per lab, one run of each test program built with -fsanitize=thread against
 * the same program built plain -O2, and the ratio (TSan's overhead per
 * trial), and what the probe adds to a run.
 *
 * Then, per lab, the share of single trials in which the starter's wrong
 * results show (some `tests` check fails: lost updates, oversold seats,
 * atomicity bugs ThreadSanitizer may not see) under each schedule-noise mode
 * (none, yield, sleep, pin to one CPU, pct): how much noise raises detection
 * per trial.
 *
 * Usage: bench [REPEAT] (default 5), from the project root; BENCH_LABS="01-bank
 * 05-tickets" measures only those labs (the noise table's adversarial
 * submissions are always measured); BENCH_PARTS=time or BENCH_PARTS=noise
 * only the timings or only the noise table.
 */
#include "build.h"
#include "grade.h"
#include "run.h"
#include "session.h"
#include "util.h"

#include <stdbool.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, compare_doubles);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The student files of lab from dir (labs/ID or solutions/ID). */
static void files_in(const lab_manifest *m, const char *dir, strlist *out)
{
    for (size_t i = 0; i < m->student_files.n; i++)
        strlist_push_owned(out, path_join(dir, m->student_files.items[i]));
}

/* Seconds to grade lab `id` once with the files from dir; *score gets the score. */
static double grade_once(session *s, const char *id, const char *dir, double *score)
{
    lab_manifest m;
    rl_err err = {{0}};
    if (manifest_load(s->labs_root, s->solutions_root, id, &m, &err) != RL_OK) {
        fprintf(stderr, "bench: %s\n", err.msg);
        exit(1);
    }
    strlist files = {0};
    char *from = path_join(dir, id);
    files_in(&m, from, &files);
    cli_options o = {.seed = 1};
    grade_options g = session_grade_options(s, &o);
    lab_result r;
    double start = now_seconds();
    grade_lab(&g, &m, &files, &r);
    double took = now_seconds() - start;
    *score = r.score;
    lab_result_free(&r);
    strlist_free(&files);
    free(from);
    return took;
}

/* Median seconds of one run of every test program of the solution, built
 * in the given variant, run one at a time at the lab's largest thread count. */
static double program_seconds(session *s, const lab_manifest *m, build_variant v, bool probe,
                              int repeat)
{
    strlist files = {0};
    files_in(m, m->solution_dir, &files);
    char *work = xasprintf("%s/bench-%s-%d-%d", s->scratch, m->id, (int)v, probe);
    build_result b;
    rl_err err = {{0}};
    build_env env = {.tc = &s->tc,
                     .support_dir = s->support_dir,
                     .probe_source = s->probe_source,
                     .cache_dir = s->cache_dir,
                     .jobs = 1,
                     .without_probe = !probe};
    if (dir_make(work, &err) != RL_OK ||
        build_lab(m, &files, false, &env, work, v, &b, &err) != RL_OK || !b.ok) {
        fprintf(stderr, "bench: cannot build %s: %s\n", m->id, err.msg);
        exit(1);
    }
    char *threads = xasprintf("RACELAB_THREADS=%d", m->threads[m->nthreads - 1]);
    char *tsan = xasprintf("TSAN_OPTIONS=atexit_sleep_ms=0 log_path=%s/tsan", work);
    const char *envp[] = {"PATH=/usr/bin:/bin",        threads, tsan, "CMOCKA_MESSAGE_OUTPUT=xml",
                          "CMOCKA_XML_FILE=/dev/null", NULL};
    double *samples = xcalloc((size_t)repeat, sizeof *samples);
    for (int i = 0; i < repeat; i++) {
        for (size_t p = 0; p < b.nprograms; p++) {
            const char *argv[] = {b.programs[p].path, NULL};
            run_spec spec = {.argv = argv,
                             .envp = envp,
                             .cwd = work,
                             .timeout = 60,
                             .output_cap = 4096,
                             .no_aslr = s->tc.no_aslr};
            run_outcome o;
            run_all(&spec, &o, 1, 1, NULL);
            samples[i] += o.seconds;
            run_outcome_free(&o);
        }
    }
    double med = median(samples, repeat);
    free(samples);
    free(threads);
    free(tsan);
    build_result_free(&b);
    strlist_free(&files);
    free(work);
    return med;
}

/* True when the lab has a `tests` check (wrong results to catch). */
static bool has_tests_check(const lab_manifest *m)
{
    for (size_t k = 0; k < m->nchecks; k++)
        if (m->checks[k].kind == CHECK_TESTS)
            return true;
    return false;
}

/* The share of trials in r in which some `tests` check failed: the
 * starter's wrong results were seen, whatever ThreadSanitizer said. */
static double detection_rate(const lab_result *r)
{
    if (r->ntrials == 0)
        return 0;
    int caught = 0;
    check_result *c = xcalloc(r->lab.nchecks, sizeof *c);
    for (size_t t = 0; t < r->ntrials; t++) {
        score_lab(&r->lab, &r->trials[t], 1, NULL, c);
        bool hit = false;
        for (size_t k = 0; k < r->lab.nchecks; k++) {
            hit = hit || (r->lab.checks[k].kind == CHECK_TESTS && !c[k].passed);
            check_result_free(&c[k]);
        }
        caught += hit;
    }
    free(c);
    return (double)caught / (double)r->ntrials;
}

#define NOISE_TRIALS 16

/* Adversarial submissions whose bug is an ordering of synchronisation
 * calls (two critical sections, or an atomic load then a store), the kind
 * PCT aims at: their wrong results per trial, beside the starters'. */
static const char *const ordering_cases[][2] = {
    {"02-queue", "tests/submissions/02-queue/check-then-act-put"},
    {"04-hits", "tests/submissions/04-hits/take-load-then-store"},
    {"05-tickets", "tests/submissions/05-tickets/recheck-after-charge"},
    {"10-transfers", "tests/submissions/10-transfers/debit-then-credit"},
};

/* One row: lab id's files from dir, NOISE_TRIALS trials per noise mode. */
static void noise_row(session *s, const char *id, const char *dir, const char *label)
{
    lab_manifest m;
    rl_err err = {{0}};
    if (manifest_load(s->labs_root, s->solutions_root, id, &m, &err) != RL_OK)
        return;
    bool wanted = has_tests_check(&m);
    strlist files = {0};
    char *where = dir ? realpath(dir, NULL) : NULL; /* grading wants absolute paths */
    files_in(&m, where ? where : m.dir, &files);
    free(where);
    printf("%-40s", label);
    for (size_t mode = 0; wanted && mode < GRADE_NOISE_MODES; mode++) {
        lab_manifest copy;
        manifest_load(s->labs_root, s->solutions_root, id, &copy, &err);
        cli_options o = {.seed = 1, .trials = NOISE_TRIALS, .noise = grade_noise_modes[mode]};
        grade_options g = session_grade_options(s, &o);
        lab_result r;
        grade_lab(&g, &copy, &files, &r);
        printf(" %7.0f%%", 100 * detection_rate(&r));
        lab_result_free(&r);
    }
    printf("%s\n", wanted ? "" : "   (no tests check)");
    strlist_free(&files);
    manifest_free(&m);
}

static void noise_table(session *s, const strlist *ids)
{
    printf("\nschedule noise: share of single trials that catch wrong results (%d trials per "
           "mode)\n",
           NOISE_TRIALS);
    printf("%-40s", "starter / submission");
    for (size_t mode = 0; mode < GRADE_NOISE_MODES; mode++)
        printf(" %8s", grade_noise_modes[mode]);
    printf("\n");
    for (size_t l = 0; l < ids->n; l++)
        noise_row(s, ids->items[l], NULL, ids->items[l]);
    for (size_t c = 0; c < sizeof ordering_cases / sizeof ordering_cases[0]; c++)
        noise_row(s, ordering_cases[c][0], ordering_cases[c][1], ordering_cases[c][1] + 18);
}

/* Grading time, TSan's and the probe's cost per lab, and the catalogue. */
static void time_table(session *s, const strlist *ids, int repeat)
{
    rl_err err = {{0}};
    printf("%-12s %14s %14s %10s %10s %9s %9s\n", "lab", "starter (s)", "solution (s)", "tsan run",
           "plain run", "overhead", "probe");
    double *samples = xcalloc((size_t)repeat, sizeof *samples);
    double *catalogue = xcalloc((size_t)repeat, sizeof *catalogue);
    for (size_t l = 0; l < ids->n; l++) {
        double score = 0, solution_score = 0, t_start, t_sol;
        for (int i = 0; i < repeat; i++)
            samples[i] = grade_once(s, ids->items[l], s->labs_root, &score);
        t_start = median(samples, repeat);
        for (int i = 0; i < repeat; i++) {
            samples[i] = grade_once(s, ids->items[l], s->solutions_root, &solution_score);
            catalogue[i] += samples[i];
        }
        t_sol = median(samples, repeat);
        lab_manifest m;
        manifest_load(s->labs_root, s->solutions_root, ids->items[l], &m, &err);
        double tsan = program_seconds(s, &m, BUILD_TSAN, true, repeat);
        double bare = program_seconds(s, &m, BUILD_TSAN, false, repeat);
        double plain = program_seconds(s, &m, BUILD_PLAIN, true, repeat);
        printf("%-12s %14.2f %14.2f %9.3fs %9.3fs %8.1fx %+8.0f%%   (starter %g, solution %g/%g)\n",
               ids->items[l], t_start, t_sol, tsan, plain, plain > 0 ? tsan / plain : 0,
               bare > 0 ? 100 * (tsan - bare) / bare : 0, score, solution_score, m.max_points);
        manifest_free(&m);
    }
    printf("%-12s %14s %14.2f   (median seconds to grade every lab's solution, one after "
           "another)\n",
           "catalogue", "", median(catalogue, repeat));
    free(samples);
    free(catalogue);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* rows appear as they are measured */
    int repeat = argc > 1 ? atoi(argv[1]) : 5;
    if (repeat < 1)
        repeat = 1;
    session s;
    cli_options o = {.seed = 1};
    rl_err err = {{0}};
    strlist ids = {0};
    if (session_open(&s, &o, &err) != RL_OK || session_lab_ids(&s, &ids, &err) != RL_OK ||
        session_toolchain(&s, &err) != RL_OK) {
        fprintf(stderr, "bench: %s\n", err.msg);
        return 1;
    }
    const char *only = getenv("BENCH_LABS");
    if (only && *only) {
        strlist keep = {0}, wanted = {0};
        strlist_split(&wanted, only);
        for (size_t i = 0; i < ids.n; i++)
            if (strlist_contains(&wanted, ids.items[i]))
                strlist_push(&keep, ids.items[i]);
        strlist_free(&ids);
        strlist_free(&wanted);
        ids = keep;
    }
    const char *parts = getenv("BENCH_PARTS");
    bool timings = !parts || !*parts || strcmp(parts, "time") == 0;
    bool noise = !parts || !*parts || strcmp(parts, "noise") == 0;
    if (!timings && !noise) {
        fprintf(stderr, "bench: BENCH_PARTS=%s: use time or noise\n", parts);
        return 2;
    }
    printf("racelab bench: %s, %d cores, median of %d gradings per row\n", s.tc.version, s.jobs,
           repeat);
    if (timings)
        time_table(&s, &ids, repeat);
    if (noise)
        noise_table(&s, &ids);
    strlist_free(&ids);
    session_close(&s);
    return 0;
}
