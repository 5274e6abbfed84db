/*
 * report_hang.c - a hung run's threads in words (see report_hang.h).
 */
#include "report_hang.h"

#include "report.h"
#include "report_frames.h"
#include "report_source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CALLERS_SHOWN 3 /* student frames named after the one quoted */

typedef enum { THREAD_WAITING, THREAD_RUNNING, THREAD_ELSEWHERE } thread_state;

/* What a report says of one thread. Pointers are borrowed from the stacks. */
typedef struct {
    thread_state state;
    size_t student;         /* index of its first frame in a student file (stack.n: none) */
    const char *call;       /* waiting: the call, as the student wrote it (NULL otherwise) */
    char call_buf[64];      /* where call is made up, when it is */
    const char *waits_on;   /* waiting: the variable the call waits on, or NULL */
    const char *elsewhere;  /* elsewhere: its innermost function, or NULL */
    const tsan_frame *test; /* elsewhere: its first frame in a visible test, or NULL */
    bool hidden;            /* elsewhere: in a hidden test */
} thread_view;

/* True when the student's frame called ThreadSanitizer's instrumentation
 * (a memory access being checked): the thread runs its own code. */
static bool instrumentation(const char *func)
{
    return strncmp(func, "__tsan_", 7) == 0 && strncmp(func, "__tsan_atomic", 13) != 0;
}

/* Fills *v (whose call may point into v->call_buf: not to be copied). */
static void view_of(const lab_result *lab, const hang_thread *t, thread_view *v)
{
    *v = (thread_view){.state = THREAD_ELSEWHERE, .student = t->stack.n};
    for (size_t i = 0; i < t->stack.n && v->student == t->stack.n; i++)
        if (report_frame_class(lab, &t->stack.frames[i]) == FRAME_STUDENT)
            v->student = i;
    if (v->student == t->stack.n) {
        /* in the tests' code: the test's line; a hidden test is never named */
        for (size_t i = 0; i < t->stack.n && !v->test && !v->hidden; i++) {
            frame_class c = report_frame_class(lab, &t->stack.frames[i]);
            v->test = c == FRAME_TEST ? &t->stack.frames[i] : NULL;
            v->hidden = c == FRAME_HIDDEN;
        }
        if (!v->test && !v->hidden && t->stack.n)
            v->elsewhere = t->stack.frames[0].func;
        return;
    }
    const tsan_frame *callee = v->student > 0 ? &t->stack.frames[v->student - 1] : NULL;
    if (!callee || instrumentation(callee->func)) {
        v->state = THREAD_RUNNING;
        return;
    }
    v->state = THREAD_WAITING;
    v->call = report_frame_class(lab, callee) == FRAME_HIDDEN    ? "a hidden test's function"
              : strncmp(callee->func, "racelab_probe_", 14) == 0 ? callee->func + 14
                                                                 : callee->func;
    /* C11's atomic_load(&x) reaches TSan as __tsan_atomic64_load: say atomic_load */
    if (strncmp(v->call, "__tsan_atomic", 13) == 0) {
        const char *op = v->call + 13 + strspn(v->call + 13, "0123456789");
        snprintf(v->call_buf, sizeof v->call_buf, "atomic%.56s", op);
        v->call = v->call_buf;
    }
    for (size_t i = 0; i < v->student && !v->waits_on; i++)
        if (report_frame_class(lab, &t->stack.frames[i]) != FRAME_HIDDEN)
            v->waits_on = t->symbols[i];
}

/* Processes are numbered in the order gdb was given them: the program's
 * first process is 1, its children follow. */
static void put_thread_name(strbuf *sb, const hang_thread *t, int process)
{
    if (process > 0)
        sb_printf(sb, "process %d%s, ", process, process == 1 ? " (the first)" : "");
    if (t->number == 1)
        sb_append(sb, "main thread");
    else
        sb_printf(sb, "thread %d", t->number);
}

static void put_thread(strbuf *sb, const lab_result *lab, const hang_thread *t, int indent,
                       int process, bool verbose)
{
    thread_view v;
    view_of(lab, t, &v);
    sb_printf(sb, "%*s", indent, "");
    put_thread_name(sb, t, process);
    if (v.state == THREAD_ELSEWHERE) {
        sb_append(sb, ": not in your code");
        if (v.test) {
            sb_append(sb, " (in the tests' ");
            report_frame_where(sb, v.test);
            sb_append(sb, ")");
        } else if (v.hidden) {
            sb_append(sb, " (in a hidden test)");
        } else if (v.elsewhere) {
            sb_append(sb, " (in ");
            report_append_name(sb, v.elsewhere);
            sb_append(sb, "())");
        }
        sb_append(sb, "\n");
    } else {
        const tsan_frame *f = &t->stack.frames[v.student];
        if (v.state == THREAD_RUNNING) {
            sb_append(sb, ": running ");
        } else {
            sb_append(sb, ": waiting in ");
            report_append_name(sb, v.call);
            sb_append(sb, "(");
            if (v.waits_on) {
                sb_append(sb, "&");
                report_append_name(sb, v.waits_on);
            }
            sb_append(sb, "), called from ");
        }
        report_frame_where(sb, f);
        size_t shown = 0;
        for (size_t i = v.student + 1; i < t->stack.n && shown < CALLERS_SHOWN; i++)
            if (report_frame_class(lab, &t->stack.frames[i]) == FRAME_STUDENT) {
                sb_append(sb, shown++ ? ", " : ", called from ");
                report_frame_where(sb, &t->stack.frames[i]);
            }
        sb_append(sb, "\n");
        report_source_context(sb, lab, f->file, f->line, 0, indent + 2);
    }
    if (verbose)
        report_frame_stack(sb, lab, &t->stack, indent + 4);
}

/* Calls visit for every thread of the program (ThreadSanitizer's own left
 * out unless all), a process's main thread first, with the process's
 * number (0 when the run had only one). */
static void each_thread(const hang_stacks *h, bool all,
                        void (*visit)(const hang_thread *t, int process, void *ctx), void *ctx)
{
    bool several = false;
    for (size_t i = 1; i < h->n; i++)
        several = several || h->threads[i].process != h->threads[0].process;
    /* gdb lists a process's newest thread first */
    int process = 0;
    for (size_t start = 0, end; start < h->n; start = end) {
        for (end = start; end < h->n && h->threads[end].process == h->threads[start].process;)
            end++;
        process++;
        for (size_t k = end; k-- > start;)
            if (!h->threads[k].racelab || all)
                visit(&h->threads[k], several ? process : 0, ctx);
    }
}

typedef struct {
    strbuf *sb;
    const lab_result *lab;
    int indent;
    bool verbose;
} text_ctx;

static void visit_text(const hang_thread *t, int process, void *p)
{
    text_ctx *c = p;
    put_thread(c->sb, c->lab, t, c->indent, process, c->verbose);
}

void report_hang_threads(strbuf *sb, const lab_result *lab, const hang_stacks *h, int indent,
                         bool verbose)
{
    text_ctx c = {sb, lab, indent, verbose};
    each_thread(h, verbose, visit_text, &c);
}

bool report_hang_lab(strbuf *sb, const lab_result *lab, int indent, bool verbose)
{
    for (size_t t = 0; t < lab->ntrials; t++)
        for (size_t p = 0; p < lab->trials[t].nruns; p++) {
            const program_run *r = &lab->trials[t].runs[p];
            if (r->run.end != RUN_TIMED_OUT || !r->run.stacks)
                continue;
            hang_stacks h;
            hang_stacks_parse(r->run.stacks, &h);
            bool shown = h.n > 0;
            if (shown) {
                sb_printf(sb, "%*s", indent, "");
                if (r->hidden)
                    sb_append(sb, "A hidden test program");
                else {
                    sb_append(sb, "The test program ");
                    report_append_name(sb, r->name);
                }
                sb_printf(sb,
                          " hung in run %zu (seed %u) and was stopped after %.1f s; where its "
                          "threads were:\n",
                          t + 1, lab->trials[t].seed, lab->trials[t].timeout);
                report_hang_threads(sb, lab, &h, indent + 2, verbose);
            }
            hang_stacks_free(&h);
            if (shown)
                return true;
        }
    return false;
}

typedef struct {
    json_t *arr;
    const lab_result *lab;
} json_ctx;

static json_t *text_or_null(const char *s)
{
    if (!s)
        return json_null();
    char *clean = report_clean_text(s, 200);
    json_t *j = json_string(clean);
    free(clean);
    return j ? j : json_null();
}

static void visit_json(const hang_thread *t, int process, void *p)
{
    json_ctx *c = p;
    thread_view v;
    view_of(c->lab, t, &v);
    static const char *const states[] = {"waiting", "running", "elsewhere"};
    const tsan_frame *f = v.state == THREAD_ELSEWHERE ? NULL : &t->stack.frames[v.student];
    json_t *o = json_object();
    json_object_set_new(o, "process", json_integer(process ? process : 1));
    json_object_set_new(o, "thread", json_integer(t->number));
    json_object_set_new(o, "state", json_string(states[v.state]));
    json_object_set_new(o, "call", text_or_null(v.call));
    json_object_set_new(o, "waits_on", text_or_null(v.waits_on));
    if (!f)
        f = v.test;
    json_object_set_new(o, "function", text_or_null(f ? f->func : v.elsewhere));
    json_object_set_new(o, "file", text_or_null(f ? f->file : NULL));
    json_object_set_new(o, "line", f && f->line > 0 ? json_integer(f->line) : json_null());
    json_array_append_new(c->arr, o);
}

json_t *report_hang_json(const lab_result *lab, const hang_stacks *h)
{
    json_ctx c = {json_array(), lab};
    each_thread(h, false, visit_json, &c);
    return c.arr;
}
