/*
 * analyse.c - reads one trial's reports (see analyse.h).
 */
#include "analyse.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

char *analyse_xml_path(const char *trial_dir, const char *program)
{
    return xasprintf("%s/%s.xml", trial_dir, program);
}

char *analyse_tsan_prefix(const char *trial_dir, const char *program)
{
    return xasprintf("%s/%s.tsan", trial_dir, program);
}

static void read_results(program_run *r, const char *trial_dir)
{
    char *path = analyse_xml_path(trial_dir, r->name);
    rl_err e = {{0}};
    rl_status st = cmocka_results_read(path, &r->tests, &e);
    free(path);
    r->have_results = st == RL_OK;
    if (st == RL_ERR_NOT_FOUND)
        r->results_error = xstrdup("the program ended before cmocka reported its tests (did the "
                                   "code call exit(), crash, or hang?)");
    else if (st != RL_OK)
        r->results_error = xasprintf("the test report could not be read: %s", e.msg);
}

/* True when one of the findings from index `from` shows cmocka's signal
 * handler at work: a signal-unsafe call made straight from libcmocka. cmocka
 * catches a crash (SIGSEGV, SIGFPE, ...) and longjmps out of its handler to
 * run on, so ThreadSanitizer then sees every later call as made inside a
 * signal handler; those reports are the crash's echo, not the student's. */
static bool cmocka_caught_crash(const tsan_findings *set, size_t from)
{
    for (size_t i = from; i < set->n; i++) {
        const tsan_finding *f = &set->items[i];
        if (f->kind != TSAN_SIGNAL_UNSAFE || f->naccesses == 0)
            continue;
        const tsan_stack *st = &f->accesses[0].stack;
        if (st->n > 1 && st->frames[1].module && strstr(st->frames[1].module, "libcmocka"))
            return true;
    }
    return false;
}

/* The run whose log this is ("<program>.tsan.<pid>"), or NULL. */
static program_run *log_owner(trial_result *t, const char *log_name)
{
    for (size_t i = 0; i < t->nruns; i++) {
        size_t n = strlen(t->runs[i].name);
        if (strncmp(log_name, t->runs[i].name, n) == 0 && strncmp(log_name + n, ".tsan.", 6) == 0)
            return &t->runs[i];
    }
    return NULL;
}

/* Drops the signal-unsafe reports that a crash caught by cmocka causes. */
static void drop_crash_artifacts(tsan_findings *set, size_t from)
{
    size_t keep = from;
    for (size_t i = from; i < set->n; i++) {
        if (set->items[i].kind == TSAN_SIGNAL_UNSAFE)
            tsan_finding_free(&set->items[i]);
        else
            set->items[keep++] = set->items[i];
    }
    set->n = keep;
}

/* Parses every "<program>.tsan.<pid>" file in the trial folder. */
static rl_status read_tsan_logs(trial_result *t, const char *trial_dir, rl_err *err)
{
    strlist names = {0};
    rl_status st = dir_list(trial_dir, &names, err);
    tsan_findings raw = {0};
    for (size_t i = 0; st == RL_OK && i < names.n; i++) {
        if (!strstr(names.items[i], ".tsan."))
            continue;
        char *path = path_join(trial_dir, names.items[i]);
        char *text = NULL;
        size_t len = 0, before = raw.n;
        bool truncated = false;
        if (file_read(path, ANALYSE_LOG_MAX, &text, &len, &truncated, NULL) == RL_OK)
            st = tsan_parse(text, len, &raw, err);
        program_run *owner = log_owner(t, names.items[i]);
        if (st == RL_OK && cmocka_caught_crash(&raw, before)) {
            drop_crash_artifacts(&raw, before);
            if (owner)
                owner->crashed = true;
        }
        free(text);
        free(path);
    }
    strlist_free(&names);
    if (st == RL_OK)
        tsan_findings_merge(&t->findings, &raw);
    t->findings.unparsed += raw.unparsed;
    tsan_findings_free(&raw);
    return st;
}

static void read_probe(program_run *r, const char *trial_dir)
{
    char *path = xasprintf("%s/%s.probe", trial_dir, r->name);
    probe_read(path, &r->probe, NULL);
    free(path);
}

rl_status analyse_trial(trial_result *t, const char *trial_dir, rl_err *err)
{
    for (size_t i = 0; i < t->nruns; i++) {
        read_results(&t->runs[i], trial_dir);
        read_probe(&t->runs[i], trial_dir);
    }
    return read_tsan_logs(t, trial_dir, err);
}

bool trial_test_passed(const trial_result *t, const char *name, bool *found)
{
    *found = false;
    for (size_t i = 0; i < t->nruns; i++) {
        const program_run *r = &t->runs[i];
        for (size_t j = 0; j < r->tests.n; j++) {
            if (strcmp(r->tests.items[j].name, name) == 0) {
                *found = true;
                return r->tests.items[j].passed;
            }
        }
    }
    return false;
}

void trial_result_free(trial_result *t)
{
    for (size_t i = 0; i < t->nruns; i++) {
        program_run *r = &t->runs[i];
        free(r->name);
        free(r->results_error);
        run_outcome_free(&r->run);
        test_cases_free(&r->tests);
    }
    free(t->runs);
    tsan_findings_free(&t->findings);
    memset(t, 0, sizeof *t);
}
