/*
 * grade.c - runs the pipeline for one lab (see grade.h).
 */
#include "grade.h"

#include "build.h"
#include "run.h"
#include "scaling.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TRIAL_OUTPUT_CAP (64 * 1024)

static void finish(lab_result *out)
{
    out->score = 0;
    out->max_score = 0;
    for (size_t i = 0; i < out->lab.nchecks; i++) {
        out->score += out->checks[i].score;
        out->max_score += out->lab.checks[i].points;
    }
}

/* Scores every check of out 0 with one reason. */
static void fail_checks(lab_result *out, lab_state state, const char *message)
{
    out->state = state;
    free(out->message);
    out->message = xstrdup(message);
    if (!out->build_log)
        out->build_log = xstrdup("");
    if (!out->checks)
        out->checks = xcalloc(out->lab.nchecks, sizeof *out->checks);
    for (size_t i = 0; i < out->lab.nchecks; i++)
        check_result_free(&out->checks[i]);
    score_all_failed(&out->lab, message, out->checks);
    finish(out);
}

void grade_lab_failed(lab_manifest *lab, lab_state state, const char *message, lab_result *out)
{
    memset(out, 0, sizeof *out);
    out->lab = *lab;
    memset(lab, 0, sizeof *lab);
    fail_checks(out, state, message);
}

const char *const grade_noise_modes[GRADE_NOISE_MODES] = {"none", "yield", "sleep", "pin", "pct"};
const char *const grade_rotated_modes[GRADE_ROTATED_MODES] = {"pct", "yield", "sleep", "pin"};

const char *grade_noise_mode(const char *name)
{
    for (size_t m = 0; m < GRADE_NOISE_MODES; m++)
        if (strcmp(name, grade_noise_modes[m]) == 0)
            return grade_noise_modes[m];
    return NULL;
}

void trial_schedule(const lab_manifest *lab, unsigned seed, int *threads, const char **noise)
{
    *threads = lab->threads[seed % lab->nthreads];
    *noise = grade_rotated_modes[(seed / lab->nthreads) % GRADE_ROTATED_MODES];
}

/* The environment of one program in one trial (strings owned by env). */
static void trial_env(const trial_result *t, const char *dir, const char *program,
                      const char *src_dir, strlist *env)
{
    char *log = analyse_tsan_prefix(dir, program);
    char *xml = analyse_xml_path(dir, program);
    strlist_push(env, "PATH=/usr/local/bin:/usr/bin:/bin");
    strlist_push(env, "LC_ALL=C");
    strlist_push_owned(env, xasprintf("HOME=%s", dir));
    strlist_push_owned(env, xasprintf("TMPDIR=%s", dir));
    strlist_push_owned(env, xasprintf("TSAN_OPTIONS=log_path=%s exitcode=%d halt_on_error=0 "
                                      "atexit_sleep_ms=0 second_deadlock_stack=1 "
                                      "report_signal_unsafe=1 strip_path_prefix=%s/",
                                      log, ANALYSE_TSAN_EXIT_CODE, src_dir));
    strlist_push(env, "CMOCKA_MESSAGE_OUTPUT=xml");
    strlist_push_owned(env, xasprintf("CMOCKA_XML_FILE=%s", xml));
    strlist_push_owned(env, xasprintf("RACELAB_THREADS=%d", t->threads));
    strlist_push_owned(env, xasprintf("RACELAB_SEED=%u", t->seed));
    strlist_push_owned(env, xasprintf("RACELAB_TRIAL=%d", t->index));
    strlist_push_owned(env, xasprintf("RACELAB_NOISE=%s", t->noise));
    strlist_push_owned(env, xasprintf("RACELAB_PROBE_FILE=%s/%s.probe", dir, program));
    strlist_push_owned(env, NULL);
    free(log);
    free(xml);
}

typedef struct {
    size_t trial, program;
    strlist env;
    strlist argv; /* NULL-terminated */
} job;

/* Runs every trial's programs, then analyses each trial. */
static rl_status run_trials(const grade_options *o, const build_result *b, const char *work,
                            lab_result *out, rl_err *err)
{
    const lab_manifest *lab = &out->lab;
    size_t n = (size_t)(o->trials > 0 ? o->trials : lab->trials);
    out->trials = xcalloc(n, sizeof *out->trials);
    out->ntrials = n;
    size_t njobs = n * b->nprograms;
    job *jobs = xcalloc(njobs, sizeof *jobs);
    run_spec *specs = xcalloc(njobs, sizeof *specs);
    run_outcome *outs = xcalloc(njobs, sizeof *outs);
    strlist dirs = {0};
    rl_status st = RL_OK;
    for (size_t t = 0; t < n && st == RL_OK; t++) {
        trial_result *tr = &out->trials[t];
        tr->index = (int)t;
        tr->seed = o->seed + (unsigned)t;
        trial_schedule(lab, tr->seed, &tr->threads, &tr->noise);
        if (o->noise)
            tr->noise = o->noise;
        tr->timeout = o->timeout > 0 ? o->timeout : lab->timeout;
        tr->nruns = b->nprograms;
        tr->runs = xcalloc(b->nprograms, sizeof *tr->runs);
        strlist_push_owned(&dirs, xasprintf("%s/trial-%zu", work, t + 1));
        st = dir_make(dirs.items[t], err);
        chmod(dirs.items[t], 0777); /* the trial's own user writes its reports here */
        for (size_t p = 0; p < b->nprograms && st == RL_OK; p++) {
            job *j = &jobs[t * b->nprograms + p];
            tr->runs[p].name = xstrdup(b->programs[p].name);
            tr->runs[p].hidden = b->programs[p].hidden;
            trial_env(tr, dirs.items[t], b->programs[p].name, b->src_dir, &j->env);
            strlist_push(&j->argv, b->programs[p].path);
            for (const char *const *a = o->args; a && *a; a++)
                strlist_push(&j->argv, *a);
            strlist_push_owned(&j->argv, NULL);
            specs[t * b->nprograms + p] = (run_spec){.argv = (const char *const *)j->argv.items,
                                                     .envp = (const char *const *)j->env.items,
                                                     .cwd = dirs.items[t],
                                                     .timeout = tr->timeout,
                                                     .output_cap = TRIAL_OUTPUT_CAP,
                                                     .no_aslr = o->tc->no_aslr,
                                                     .sandbox = o->sandbox,
                                                     .stdin_path = o->stdin_path,
                                                     .take_stacks = o->take_stacks,
                                                     .timeout_after_hang = o->timeout_after_hang};
        }
    }
    if (st == RL_OK)
        st = run_all(specs, outs, njobs, o->jobs, err);
    for (size_t t = 0; t < n && st == RL_OK; t++) {
        for (size_t p = 0; p < b->nprograms; p++) {
            out->trials[t].runs[p].run = outs[t * b->nprograms + p];
            memset(&outs[t * b->nprograms + p], 0, sizeof(run_outcome));
        }
        st = analyse_trial(&out->trials[t], dirs.items[t], err);
        if (o->progress)
            o->progress(lab->id, (int)t + 1, (int)n, o->progress_ctx);
    }
    for (size_t i = 0; i < njobs; i++) {
        strlist_free(&jobs[i].env);
        strlist_free(&jobs[i].argv);
        run_outcome_free(&outs[i]);
    }
    free(jobs);
    free(specs);
    free(outs);
    strlist_free(&dirs);
    return st;
}

static size_t find_key(const tsan_findings *set, const char *key)
{
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->items[i].key, key) == 0)
            return i;
    return set->n;
}

/* stats for findings first seen in this trial start at zero */
static void zero_new_stats(lab_result *out, size_t before)
{
    for (size_t i = before; i < out->findings.n; i++)
        memset(&out->stats[i], 0, sizeof out->stats[i]);
}

static void merge_all(lab_result *out)
{
    for (size_t t = 0; t < out->ntrials; t++) {
        size_t before = out->findings.n;
        const tsan_findings *tf = &out->trials[t].findings;
        tsan_findings_merge(&out->findings, tf);
        out->stats = xrealloc(out->stats, (out->findings.n + 1) * sizeof *out->stats);
        zero_new_stats(out, before);
        for (size_t i = 0; i < tf->n; i++) {
            size_t k = find_key(&out->findings, tf->items[i].key);
            if (k == out->findings.n)
                continue;
            if (out->stats[k].trials++ == 0) {
                out->stats[k].first_trial = (unsigned)t;
                out->stats[k].first_seed = out->trials[t].seed;
            }
        }
    }
}

void grade_lab(const grade_options *o, lab_manifest *lab, const strlist *student_paths,
               lab_result *out)
{
    double start = now_seconds();
    memset(out, 0, sizeof *out);
    out->lab = *lab;
    memset(lab, 0, sizeof *lab);
    out->checks = xcalloc(out->lab.nchecks, sizeof *out->checks);
    for (size_t i = 0; i < student_paths->n; i++)
        strlist_push(&out->sources, student_paths->items[i]);

    rl_err err = {{0}};
    build_result b = {0};
    char *work = path_join(o->scratch, out->lab.id);
    build_env env = {.tc = o->tc,
                     .support_dir = o->support_dir,
                     .probe_source = o->probe_source,
                     .cache_dir = o->cache_dir,
                     .jobs = o->jobs,
                     .sandbox = o->sandbox};
    rl_status st = dir_make(work, &err);
    chmod(work, 0711);
    if (st == RL_OK)
        st = build_lab(&out->lab, student_paths, o->with_hidden, &env, work, BUILD_TSAN, &b, &err);
    if (st == RL_OK) {
        out->build_log = xstrdup(b.log);
        if (b.hidden_missing)
            strlist_push(&out->notes, "hidden tests are not on this machine: only the visible "
                                      "tests ran (the grader runs more)");
    }
    if (st != RL_OK) {
        char *msg = xasprintf("the grader could not grade this lab: %s", err.msg);
        fail_checks(out, LAB_ERROR, msg);
        free(msg);
    } else if (!b.ok) {
        fail_checks(out, LAB_BUILD_FAILED,
                    "your code did not compile: see the compiler's messages");
    } else if ((st = run_trials(o, &b, work, out, &err)) != RL_OK) {
        char *msg = xasprintf("the grader could not run this lab: %s", err.msg);
        fail_checks(out, LAB_ERROR, msg);
        free(msg);
    } else if ((st = scaling_measure(&out->lab, student_paths, o->with_hidden, &env, work, o->seed,
                                     o->timeout > 0 ? o->timeout : out->lab.timeout, o->sandbox,
                                     &out->scaling, &err)) != RL_OK) {
        char *msg = xasprintf("the grader could not measure this lab: %s", err.msg);
        fail_checks(out, LAB_ERROR, msg);
        free(msg);
    } else {
        merge_all(out);
        score_lab(&out->lab, out->trials, out->ntrials, &out->scaling, out->checks);
        out->state = LAB_GRADED;
        finish(out);
    }
    build_result_free(&b);
    if (!getenv("RACELAB_KEEP_WORK"))
        dir_remove_tree(work, NULL);
    free(work);
    out->seconds = now_seconds() - start;
}

void lab_result_free(lab_result *r)
{
    for (size_t i = 0; i < r->lab.nchecks && r->checks; i++)
        check_result_free(&r->checks[i]);
    free(r->checks);
    for (size_t i = 0; i < r->ntrials; i++)
        trial_result_free(&r->trials[i]);
    free(r->trials);
    tsan_findings_free(&r->findings);
    free(r->stats);
    scaling_result_free(&r->scaling);
    free(r->message);
    free(r->build_log);
    strlist_free(&r->notes);
    strlist_free(&r->sources);
    manifest_free(&r->lab);
    memset(r, 0, sizeof *r);
}
