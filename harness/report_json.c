/*
 * report_json.c - racelab's own JSON schema (schema 1), for tools and for
 * the other writers' tests. Shape:
 *   {schema, tool, submission, toolchain, seconds, score, max_score, notes[],
 *    labs[{id, title, state, message, score, max_score, seconds, notes[],
 *          build_log, checks[{id, title, kind, points, score, passed, runs,
 *          failed_runs, nondeterministic, summary, details, hint}],
 *          findings[{kind, title, summary, variable, location, reports,
 *          trials, first_trial, first_seed, accesses[{what, write, atomic,
 *          thread, mutexes[], file, line, function}]}],
 *          trials[{trial, seed, threads, noise, programs[{name, hidden, end,
 *          exit_code, signal, seconds, tests[{name, passed}], probe: null |
 *          {calls{PRIMITIVE: n}, threads[{process, student, calls{..}}],
 *          threads_counted, threads_max, processes_max, contended_locks,
 *          noise_events, child_cpu_seconds, main_cpu_seconds}}]}],
 *          scaling: null | {measured, error,
 *          median_contention, contention[]}}]}
 */
#include "report.h"

#include "util.h"

#include <jansson.h>
#include <string.h>

#define JSON_TEXT_CAP (32 * 1024)

/* A JSON string from any text (cleaned, capped); null for NULL. */
static json_t *jtext(const char *s)
{
    if (!s)
        return json_null();
    char *clean = report_clean_text(s, JSON_TEXT_CAP);
    json_t *j = json_string(clean);
    free(clean);
    return j ? j : json_string("");
}

static json_t *jlist(const strlist *l)
{
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a, jtext(l->items[i]));
    return a;
}

static json_t *check_json(const check_result *c)
{
    const lab_check *k = c->check;
    return json_pack("{s:o, s:o, s:s, s:f, s:f, s:b, s:i, s:i, s:b, s:o, s:o, s:o}", "id",
                     jtext(k->id), "title", jtext(k->title ? k->title : k->id), "kind",
                     check_kind_name(k->kind), "points", k->points, "score", c->score, "passed",
                     c->passed, "runs", c->runs, "failed_runs", c->failed_runs, "nondeterministic",
                     c->failed_runs > 0 && c->failed_runs < c->runs, "summary", jtext(c->summary),
                     "details", jtext(c->details), "hint", jtext(k->hint));
}

static json_t *access_json(const lab_result *lab, const tsan_access *a)
{
    json_t *mutexes = json_array();
    for (size_t i = 0; i < a->nmutexes; i++)
        json_array_append_new(mutexes, json_integer(a->mutexes[i]));
    const tsan_frame *f = report_student_frame(lab, a);
    return json_pack("{s:o, s:b, s:b, s:b, s:i, s:o, s:o, s:i, s:o}", "what", jtext(a->what),
                     "write", a->is_write, "atomic", a->is_atomic, "previous", a->is_previous,
                     "thread", a->thread, "mutexes", mutexes, "file", jtext(f ? f->file : NULL),
                     "line", f ? f->line : 0, "function", jtext(f ? f->func : NULL));
}

static json_t *finding_json(const lab_result *lab, size_t i)
{
    const tsan_finding *f = &lab->findings.items[i];
    const finding_stat *s = &lab->stats[i];
    json_t *accesses = json_array();
    for (size_t k = 0; k < f->naccesses; k++)
        json_array_append_new(accesses, access_json(lab, &f->accesses[k]));
    return json_pack("{s:s, s:o, s:o, s:o, s:o, s:i, s:i, s:i, s:i, s:o}", "kind",
                     tsan_kind_name(f->kind), "title", jtext(f->title), "summary",
                     jtext(f->summary), "variable", jtext(f->variable), "location",
                     jtext(f->location), "reports", f->count, "trials", s->trials, "first_trial",
                     s->first_trial + 1, "first_seed", s->first_seed, "accesses", accesses);
}

static const char *end_name(run_end e)
{
    static const char *const names[] = {"exited", "signaled", "timed-out", "not-started",
                                        "out-of-memory"};
    return names[e];
}

/* The probe's counters of one run: calls by primitive (only those made),
 * high-water marks, contended locks, noise added; null when absent. */
static json_t *calls_json(const uint64_t calls[PROBE_NPRIM])
{
    json_t *o = json_object();
    for (int i = 0; i < PROBE_NPRIM; i++)
        if (calls[i])
            json_object_set_new(o, probe_primitive_name((probe_primitive)i),
                                json_integer((json_int_t)calls[i]));
    return o;
}

/* Per thread, in the order threads first made a counted call. */
static json_t *threads_json(const probe_counts *p)
{
    json_t *a = json_array();
    for (uint32_t i = 0; i < p->nthreads; i++)
        json_array_append_new(
            a, json_pack("{s:I, s:b, s:o}", "process", (json_int_t)p->thread[i].process, "student",
                         p->thread[i].student, "calls", calls_json(p->thread[i].calls)));
    return a;
}

static json_t *probe_json(const probe_counts *p)
{
    if (!p->present)
        return json_null();
    return json_pack(
        "{s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:f, s:f}", "calls", calls_json(p->calls), "threads",
        threads_json(p), "threads_counted", (json_int_t)p->threads_seen, "threads_max",
        (json_int_t)p->threads_max, "processes_max", (json_int_t)p->procs_max, "contended_locks",
        (json_int_t)p->contended, "noise_events", (json_int_t)p->noise_events, "child_cpu_seconds",
        (double)p->child_cpu_ns / 1e9, "main_cpu_seconds", (double)p->main_cpu_ns / 1e9);
}

static json_t *program_json(const program_run *r)
{
    json_t *tests = json_array();
    for (size_t i = 0; i < r->tests.n; i++)
        json_array_append_new(tests, json_pack("{s:o, s:b}", "name", jtext(r->tests.items[i].name),
                                               "passed", r->tests.items[i].passed));
    return json_pack("{s:o, s:b, s:s, s:i, s:i, s:f, s:o, s:o}", "name", jtext(r->name), "hidden",
                     r->hidden, "end", end_name(r->run.end), "exit_code", r->run.exit_code,
                     "signal", r->run.signal, "seconds", r->run.seconds, "tests", tests, "probe",
                     probe_json(&r->probe));
}

static json_t *trial_json(const trial_result *t)
{
    json_t *programs = json_array();
    for (size_t p = 0; p < t->nruns; p++)
        json_array_append_new(programs, program_json(&t->runs[p]));
    return json_pack("{s:i, s:i, s:i, s:s, s:o}", "trial", t->index + 1, "seed", t->seed, "threads",
                     t->threads, "noise", t->noise ? t->noise : "none", "programs", programs);
}

static json_t *scaling_json(const scaling_result *s)
{
    if (s->runs == 0)
        return json_null();
    json_t *ratios = json_array();
    for (int i = 0; i < s->runs && s->measured; i++)
        json_array_append_new(ratios, json_real(s->ratios[i]));
    return json_pack("{s:b, s:o, s:f, s:o}", "measured", s->measured, "error", jtext(s->error),
                     "median_contention", s->median, "contention", ratios);
}

static json_t *lab_json(const lab_result *lab)
{
    json_t *checks = json_array(), *findings = json_array(), *trials = json_array();
    for (size_t i = 0; i < lab->lab.nchecks; i++)
        json_array_append_new(checks, check_json(&lab->checks[i]));
    for (size_t i = 0; i < lab->findings.n; i++)
        json_array_append_new(findings, finding_json(lab, i));
    for (size_t i = 0; i < lab->ntrials; i++)
        json_array_append_new(trials, trial_json(&lab->trials[i]));
    return json_pack(
        "{s:o, s:o, s:s, s:o, s:f, s:f, s:f, s:o, s:o, s:o, s:o, s:o, s:o}", "id",
        jtext(lab->lab.id), "title", jtext(lab->lab.title), "state", report_state_name(lab->state),
        "message", jtext(lab->message), "score", lab->score, "max_score", lab->max_score, "seconds",
        lab->seconds, "notes", jlist(&lab->notes), "build_log", jtext(lab->build_log), "checks",
        checks, "findings", findings, "trials", trials, "scaling", scaling_json(&lab->scaling));
}

rl_status report_write_json(const report *r, FILE *out, rl_err *err)
{
    json_t *labs = json_array();
    for (size_t i = 0; i < r->nlabs; i++)
        json_array_append_new(labs, lab_json(&r->labs[i]));
    json_t *root =
        json_pack("{s:i, s:s, s:o, s:o, s:f, s:f, s:f, s:o, s:o}", "schema", 1, "tool", "racelab",
                  "submission", jtext(r->submission), "toolchain", jtext(r->toolchain), "seconds",
                  r->seconds, "score", report_score(r), "max_score", report_max_score(r), "notes",
                  jlist(&r->notes), "labs", labs);
    if (!root)
        return rl_fail(err, RL_ERR_INTERNAL, "could not build the JSON report");
    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    json_decref(root);
    fputc('\n', out);
    if (rc != 0 || ferror(out))
        return rl_fail(err, RL_ERR_IO, "could not write the JSON report");
    return RL_OK;
}
