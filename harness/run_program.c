/*
 * run_program.c - `racelab run`'s pipeline (see run_program.h): a lab made
 * up around the user's files, graded with no checks, and the trials'
 * outputs and endings grouped.
 */
#include "run_program.h"

#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char stub[] = "/* racelab run: the program's own main() is in its files; this\n"
                           " * file only gives the build a test program to link. */\n"
                           "typedef int racelab_run_stub;\n";

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static bool is_header(const char *name)
{
    size_t n = strlen(name);
    return n > 2 && strcmp(name + n - 2, ".h") == 0;
}

/* Copies the .h files of the folder holding `file` into dir, so that
 * `#include "x.h"` finds them in the build folder. */
static rl_status copy_headers(const char *file, const char *dir, rl_err *err)
{
    char *folder = xstrdup(file), *slash = strrchr(folder, '/');
    if (slash)
        *slash = '\0';
    strlist names = {0};
    rl_status st = dir_list(slash ? folder : ".", &names, err);
    for (size_t i = 0; st == RL_OK && i < names.n; i++) {
        if (!is_header(names.items[i]))
            continue;
        char *from = path_join(slash ? folder : ".", names.items[i]);
        char *to = path_join(dir, names.items[i]);
        if (path_is_regular(from) && !path_is_regular(to))
            st = file_copy(from, to, err);
        free(from);
        free(to);
    }
    strlist_free(&names);
    free(folder);
    return st;
}

/* The made-up lab: the files as student files, the stub as its one test. */
static rl_status make_lab(const session *s, const strlist *files, lab_manifest *m, rl_err *err)
{
    memset(m, 0, sizeof *m);
    m->id = xstrdup("run");
    m->dir = path_join(s->scratch, "program");
    m->solution_dir = path_join(s->scratch, "no-solution");
    m->title = xstrdup(base_name(files->items[0]));
    m->summary = xstrdup("");
    m->cflags = xstrdup("");
    m->ldflags = xstrdup("-lm");
    m->trials = RUN_PROGRAM_TRIALS;
    m->timeout = RUN_PROGRAM_TIMEOUT;
    m->threads[0] = 4; /* RACELAB_THREADS, which a program need not read */
    m->nthreads = 1;   /* so that every seed moves the noise mode on */
    strlist_push(&m->tests, RUN_PROGRAM_STUB);
    rl_status st = dir_make(m->dir, err);
    for (size_t i = 0; st == RL_OK && i < files->n; i++) {
        strlist_push(&m->student_files, base_name(files->items[i]));
        st = copy_headers(files->items[i], m->dir, err);
    }
    if (st == RL_OK) {
        char *path = path_join(m->dir, RUN_PROGRAM_STUB);
        st = file_write(path, stub, strlen(stub), err);
        free(path);
    }
    return st;
}

/* Counts text as one more run in the variants (a new one when unseen). */
static void count_variant(run_variant **v, size_t *n, const char *text, size_t trial)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i].text, text) == 0) {
            (*v)[i].runs++;
            return;
        }
    *v = xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[(*n)++] = (run_variant){.text = xstrdup(text), .runs = 1, .first = trial};
}

static int by_runs(const void *a, const void *b)
{
    const run_variant *x = a, *y = b;
    if (x->runs != y->runs)
        return x->runs > y->runs ? -1 : 1;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* How a run ended, as the endings list names it. New string. */
static char *ending(const run_outcome *o)
{
    switch (o->end) {
    case RUN_EXITED:
        if (o->exit_code == ANALYSE_TSAN_EXIT_CODE)
            return xstrdup("ThreadSanitizer's exit status (it reported problems)");
        return xasprintf("exit status %d", o->exit_code);
    case RUN_SIGNALED:
        return xasprintf("killed by signal %d (%s)", o->signal, strsignal(o->signal));
    case RUN_TIMED_OUT:
        return xstrdup(o->cut_short ? "stopped sooner, after an earlier run hung" : "timed out");
    case RUN_OUT_OF_MEMORY:
        return xstrdup("out of memory");
    case RUN_NOT_STARTED:
        return xstrdup("could not start");
    }
    return xstrdup("ended in an unknown way");
}

static void summarise(program_result *r)
{
    run_variant *codes = NULL;
    size_t ncodes = 0;
    for (size_t t = 0; t < r->lab.ntrials; t++) {
        if (r->lab.trials[t].nruns == 0)
            continue;
        const run_outcome *o = &r->lab.trials[t].runs[0].run;
        char *end = ending(o);
        count_variant(&r->endings, &r->nendings, end, t);
        free(end);
        r->timeouts += o->end == RUN_TIMED_OUT && !o->cut_short;
        r->cut_short += o->end == RUN_TIMED_OUT && o->cut_short;
        r->crashes += o->end == RUN_SIGNALED;
        r->out_of_memory += o->end == RUN_OUT_OF_MEMORY;
        if (o->end != RUN_EXITED)
            continue;
        count_variant(&r->outputs, &r->noutputs, o->output ? o->output : "", t);
        if (o->exit_code != ANALYSE_TSAN_EXIT_CODE) {
            char code[16];
            snprintf(code, sizeof code, "%d", o->exit_code);
            count_variant(&codes, &ncodes, code, t);
        }
    }
    r->exit_codes = (unsigned)ncodes;
    for (size_t i = 0; i < ncodes; i++)
        free(codes[i].text);
    free(codes);
    if (r->noutputs)
        qsort(r->outputs, r->noutputs, sizeof *r->outputs, by_runs);
    if (r->nendings)
        qsort(r->endings, r->nendings, sizeof *r->endings, by_runs);
}

rl_status program_check(session *s, const cli_options *o, const strlist *files,
                        const char *const *args, const char *stdin_path, program_result *out,
                        rl_err *err)
{
    memset(out, 0, sizeof *out);
    lab_manifest m;
    rl_status st = make_lab(s, files, &m, err);
    if (st != RL_OK) {
        manifest_free(&m);
        return st;
    }
    grade_options g = session_grade_options(s, o);
    g.with_hidden = false;
    g.args = args;
    g.stdin_path = stdin_path;
    g.take_stacks = true;
    g.timeout_after_hang = RUN_PROGRAM_AFTER_HANG;
    grade_lab(&g, &m, files, &out->lab);
    manifest_free(&m);
    if (out->lab.state == LAB_ERROR)
        return rl_fail(err, RL_ERR_INTERNAL, "%s", out->lab.message);
    summarise(out);
    return RL_OK;
}

bool program_found_problems(const program_result *r)
{
    return r->lab.findings.n > 0 || r->timeouts || r->crashes || r->out_of_memory ||
           r->noutputs > 1 || r->exit_codes > 1;
}

void program_result_free(program_result *r)
{
    for (size_t i = 0; i < r->noutputs; i++)
        free(r->outputs[i].text);
    for (size_t i = 0; i < r->nendings; i++)
        free(r->endings[i].text);
    free(r->outputs);
    free(r->endings);
    lab_result_free(&r->lab);
    memset(r, 0, sizeof *r);
}
