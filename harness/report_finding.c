/*
 * report_finding.c - one ThreadSanitizer finding in the words a student
 * can act on (see report.h, report_describe_finding_with).
 *
 * Every kind tsan_parse knows gets its own headline, then the places
 * involved, each at the student's own line with two lines of context:
 *
 *   two threads wrote `acct->balance` at the same time without a common lock
 *     `acct->balance` is in a heap block allocated in account_open() at bank.c:24
 *     thread T3 wrote it in account_deposit() at bank.c:38, holding no lock
 *          36 | void account_deposit(struct account *acct, long cents)
 *          37 | {
 *        > 38 |     acct->balance += cents;
 *          ...
 *       thread T3 was started in run_tellers() at test_bank.c:87
 *     earlier, thread T4 wrote it in account_deposit() at bank.c:38, holding no lock
 *       (the same line)
 *     seen in 8 of 8 runs, first in run 1 (seed 1); replay it: build/racelab replay ...
 *
 * The variable is ThreadSanitizer's name for a global; for heap and stack
 * memory, which TSan does not name, it is the expression at the access's
 * column in the student's line (report_source.h). A lock-order inversion is
 * shown as its cycle (M0 → M1 → M0), each edge at the line that took the
 * second lock while holding the first. What TSan printed came from the
 * student's process, so every name is cleaned before it is shown.
 *
 * The same words come in pieces too (report_finding_parts_get: the
 * headline, each place's line, where its thread started, the run counts
 * and the replay command), for the HTML page to lay out side by side.
 */
#include "report.h"

#include "report_frames.h"
#include "report_source.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define CONTEXT_LINES 2 /* source lines shown above and below an access */
#define CALLERS_SHOWN 3 /* student frames below the first, named as callers */

typedef struct {
    strbuf *sb;
    const lab_result *lab;
    const tsan_finding *f;
    const report_detail *d;
    const tsan_frame *last; /* the student frame quoted last, to say "the same line" */
} view;

/* ---- places ---- */

static bool same_line(const tsan_frame *a, const tsan_frame *b)
{
    return a && b && a->file && b->file && a->line == b->line && strcmp(a->file, b->file) == 0;
}

/* Appends " in func() at file:line" for the frame of s a student should
 * look at: their own, else the tests' (named as such), else a hidden test
 * (named only), else the first function TSan named. Returns the student's
 * frame, or NULL. */
static const tsan_frame *put_place(view *v, const tsan_stack *s)
{
    const tsan_frame *fr = report_frame_student(v->lab, s);
    if (fr) {
        sb_append(v->sb, " in ");
        report_frame_where(v->sb, fr);
        return fr;
    }
    bool hidden;
    const tsan_frame *o = report_frame_origin(v->lab, s, &hidden);
    if (hidden) {
        sb_append(v->sb, " in a hidden test");
    } else if (o) {
        sb_append(v->sb, " in ");
        report_frame_where(v->sb, o);
        sb_append(v->sb, " (the lab's tests)");
    } else if (s->n && s->frames[0].func) {
        sb_append(v->sb, " in ");
        report_append_name(v->sb, s->frames[0].func);
        sb_append(v->sb, "()");
    }
    return NULL;
}

/* Appends what follows a place's line: the student's source around fr (or
 * "(the same line)" when the last place quoted was that line), the student
 * functions that called it ("called from f() at x.c:9"; a signal handler's
 * frames below it are where the signal interrupted the program), and with
 * verbose the whole stack. */
static void put_source(view *v, const tsan_stack *s, const tsan_frame *fr, int indent)
{
    bool signal = v->f->kind == TSAN_SIGNAL_UNSAFE || v->f->kind == TSAN_SIGNAL_ERRNO;
    if (fr && same_line(fr, v->last)) {
        sb_printf(v->sb, "%*s(the same line)\n", indent + 2, "");
    } else if (fr && report_source_context(v->sb, v->lab, fr->file, fr->line, CONTEXT_LINES,
                                           indent + 2)) {
        v->last = fr;
    }
    unsigned callers = 0;
    for (size_t i = fr ? (size_t)(fr - s->frames) + 1 : s->n; i < s->n; i++) {
        if (report_frame_class(v->lab, &s->frames[i]) != FRAME_STUDENT)
            continue;
        if (callers++ == (signal ? 1 : CALLERS_SHOWN))
            break;
        sb_printf(v->sb, "%*s%s ", indent + 2, "",
                  signal ? "the signal interrupted" : "called from");
        report_frame_where(v->sb, &s->frames[i]);
        sb_append(v->sb, "\n");
    }
    if (v->d->verbose && s->n) {
        sb_printf(v->sb, "%*sstack:\n", indent + 2, "");
        report_frame_stack(v->sb, v->lab, s, indent + 4);
    }
}

/* Appends "<indent>thread T3 was started in ...\n" for a thread that is not main. */
static void put_thread_origin(view *v, int thread, int indent)
{
    if (thread <= 0)
        return;
    strbuf o;
    sb_init(&o);
    if (report_thread_origin(&o, v->lab, v->f, thread)) {
        sb_printf(v->sb, "%*s", indent, "");
        report_thread_name(v->sb, thread);
        sb_printf(v->sb, " was %s\n", o.data);
        const tsan_thread *t = report_thread_find(v->f, thread);
        if (v->d->verbose && t && t->created.n)
            report_frame_stack(v->sb, v->lab, &t->created, indent + 2);
    }
    sb_free(&o);
}

/* Where mutex `id` of the finding came from: the frame a student knows
 * (NULL when the report does not say, or *hidden when a hidden test made
 * it), and *how: "created" (pthread_mutex_init), "first locked" (TSan first
 * saw it at a lock: a mutex made with PTHREAD_MUTEX_INITIALIZER has no init
 * call) or "first used". */
static const tsan_frame *mutex_origin(const view *v, int id, const char **how, bool *hidden)
{
    *hidden = false;
    for (size_t i = 0; i < v->f->nmutexes; i++) {
        const tsan_mutex *m = &v->f->mutexes[i];
        if (m->id != id || m->created.n == 0)
            continue;
        const char *top = m->created.frames[0].func ? m->created.frames[0].func : "";
        *how = strstr(top, "init")     ? "created"
               : strstr(top, "unlock") ? "first used"
               : strstr(top, "lock")   ? "first locked"
                                       : "first used";
        return report_frame_origin(v->lab, &m->created, hidden);
    }
    return NULL;
}

/* Appends " (created in f() at x.c:5)" for mutex `id`, when known. */
static void put_mutex_origin(view *v, int id)
{
    const char *how;
    bool hidden;
    const tsan_frame *at = mutex_origin(v, id, &how, &hidden);
    if (hidden)
        sb_printf(v->sb, " (%s by a hidden test)", how);
    else if (at) {
        sb_printf(v->sb, " (%s in ", how);
        report_frame_where(v->sb, at);
        sb_append(v->sb, ")");
    }
}

static void put_held(view *v, const tsan_access *a)
{
    if (a->nmutexes == 0) {
        sb_append(v->sb, ", holding no lock");
        return;
    }
    sb_append(v->sb, ", holding");
    for (size_t i = 0; i < a->nmutexes; i++) {
        sb_printf(v->sb, "%s M%d",
                  i == 0                 ? ""
                  : i + 1 == a->nmutexes ? " and"
                                         : ",",
                  a->mutexes[i]);
        put_mutex_origin(v, a->mutexes[i]);
    }
}

/* ---- what was accessed ---- */

/* The name of the memory: TSan's for a global, else the expression at the
 * first access's column in the student's line. New string or NULL. */
static char *variable(const view *v)
{
    if (v->f->variable) {
        strbuf sb;
        sb_init(&sb);
        report_append_name(&sb, v->f->variable);
        return sb_take(&sb);
    }
    for (size_t i = 0; i < v->f->naccesses && i < 2; i++) {
        const tsan_frame *fr = report_frame_student(v->lab, &v->f->accesses[i].stack);
        char *e = fr ? report_source_expression(v->lab, fr->file, fr->line, fr->col) : NULL;
        if (e)
            return e;
    }
    return NULL;
}

/* Appends what the memory is, when TSan says more than its name: "`x` is
 * in a heap block allocated in f() at x.c:9", "... a local variable of
 * the main thread". Globals say nothing more. */
static void put_location(view *v, const char *var)
{
    const char *loc = v->f->location;
    if (!loc || strncmp(loc, "global ", 7) == 0)
        return;
    strbuf what;
    sb_init(&what);
    if (var)
        sb_printf(&what, "`%s`", var);
    else
        sb_append(&what, "the memory");
    int thread = -1;
    const char *of = strstr(loc, " of ");
    if (of && (strncmp(of + 4, "main thread", 11) == 0 || strncmp(of + 4, "thread T", 8) == 0))
        thread = strncmp(of + 4, "main", 4) == 0 ? 0 : atoi(of + 12);
    sb_printf(v->sb, "  %s ", what.data);
    if (strncmp(loc, "heap block", 10) == 0) {
        sb_append(v->sb, "is in a heap block");
        bool hidden;
        const tsan_frame *at = report_frame_origin(v->lab, &v->f->location_stack, &hidden);
        if (hidden)
            sb_append(v->sb, " allocated by a hidden test");
        else if (at) {
            sb_append(v->sb, " allocated in ");
            report_frame_where(v->sb, at);
        }
    } else if (strncmp(loc, "stack of ", 9) == 0) {
        sb_append(v->sb, "is a local variable of ");
        report_thread_name(v->sb, thread);
        sb_append(v->sb, ", shared with other threads through its address");
    } else if (strncmp(loc, "TLS of ", 7) == 0) {
        sb_append(v->sb, "is thread-local storage of ");
        report_thread_name(v->sb, thread);
    } else {
        sb_append(v->sb, "is ");
        report_append_name(v->sb, loc);
    }
    sb_append(v->sb, "\n");
    sb_free(&what);
}

/* ---- kinds ---- */

static const char *verb(const tsan_access *a)
{
    if (a->is_atomic)
        return a->is_write ? "atomically wrote" : "atomically read";
    return a->is_write ? "wrote" : "read";
}

/* Appends the line of one access of a race or a use after free: who did
 * what where, holding which locks. Returns the student's frame, or NULL. */
static const tsan_frame *put_access_line(view *v, const tsan_access *a, const char *lead,
                                         const char *what, bool locks)
{
    sb_append(v->sb, lead);
    report_thread_name(v->sb, a->thread);
    sb_printf(v->sb, " %s", what);
    const tsan_frame *fr = put_place(v, &a->stack);
    if (locks)
        put_held(v, a);
    return fr;
}

/* Appends one access: its line, the source around it and where its
 * thread started. */
static void put_access(view *v, const tsan_access *a, const char *lead, const char *what,
                       bool locks)
{
    sb_append(v->sb, "  ");
    const tsan_frame *fr = put_access_line(v, a, lead, what, locks);
    sb_append(v->sb, "\n");
    put_source(v, &a->stack, fr, 2);
    put_thread_origin(v, a->thread, 4);
}

static void describe_race(view *v)
{
    const tsan_finding *f = v->f;
    char *var = variable(v);
    char *name = var ? xasprintf("`%s`", var) : xstrdup("the same memory");
    const tsan_access *a = f->naccesses > 0 ? &f->accesses[0] : NULL;
    const tsan_access *b = f->naccesses > 1 ? &f->accesses[1] : NULL;
    if (a && b && a->is_atomic != b->is_atomic) {
        const tsan_access *plain = a->is_atomic ? b : a, *atomic = a->is_atomic ? a : b;
        sb_printf(v->sb,
                  "one thread %s %s with a plain (non-atomic) %s while another %s it: "
                  "mixing atomic and plain accesses to one variable is a race",
                  plain->is_write ? "wrote" : "read", name, plain->is_write ? "write" : "read",
                  verb(atomic));
    } else if (a && b && a->is_write && b->is_write) {
        sb_printf(v->sb, "two threads wrote %s at the same time without a common lock", name);
    } else if (a && b) {
        sb_printf(v->sb, "one thread wrote %s while another read it, without a common lock", name);
    } else {
        sb_printf(v->sb, "a data race on %s", name);
    }
    sb_append(v->sb, "\n");
    if (strncmp(f->title, "data race", 9) != 0) {
        sb_append(v->sb, "  (ThreadSanitizer: ");
        report_append_name(v->sb, f->title);
        sb_append(v->sb, ")\n");
    }
    put_location(v, var);
    char *it = xasprintf("%s it", a ? verb(a) : "");
    if (a)
        put_access(v, a, "", it, true);
    free(it);
    if (b) {
        it = xasprintf("%s it", verb(b));
        put_access(v, b, "earlier, ", it, true);
        free(it);
    }
    free(var);
    free(name);
}

static void describe_use_after_free(view *v)
{
    char *var = variable(v);
    const tsan_access *use = v->f->naccesses > 0 ? &v->f->accesses[0] : NULL;
    const tsan_access *freed = v->f->naccesses > 1 ? &v->f->accesses[1] : NULL;
    if (var)
        sb_printf(v->sb, "`%s` was %s after its memory was freed (use after free)\n", var,
                  use && !use->is_write ? "read" : "written");
    else
        sb_printf(v->sb, "memory was %s after it was freed (use after free)\n",
                  use && !use->is_write ? "read" : "written");
    if (use)
        put_access(v, use, "", use->is_write ? "wrote it" : "read it", false);
    if (freed)
        put_access(v, freed, "before that, ", "freed it", false);
    free(var);
}

/* "Mutex M1 acquired here while holding mutex M0 ...": the mutex taken. */
static int acquired(const tsan_access *a)
{
    const char *m = a->what ? strstr(a->what, "Mutex M") : NULL;
    return m ? atoi(m + 7) : -1;
}

/* The acquisition (not a "previously acquired" stack) of an edge held -> *. */
static const tsan_access *edge_from(const tsan_finding *f, int held, size_t *index)
{
    for (size_t i = 0; i < f->naccesses; i++)
        if (!f->accesses[i].is_previous && f->accesses[i].nmutexes &&
            f->accesses[i].mutexes[0] == held) {
            *index = i;
            return &f->accesses[i];
        }
    return NULL;
}

/* Appends " (`payee->lock`)": what the student's call at fr locked. */
static void put_lock_name(view *v, const tsan_frame *fr)
{
    char *name = fr ? report_source_argument(v->lab, fr->file, fr->line, fr->col) : NULL;
    if (name)
        sb_printf(v->sb, " (`%s`)", name);
    free(name);
}

/* The "previously acquired" stack TSan prints after edge `index`, or NULL. */
static const tsan_access *edge_previous(const tsan_finding *f, size_t index)
{
    return index + 1 < f->naccesses && f->accesses[index + 1].is_previous ? &f->accesses[index + 1]
                                                                          : NULL;
}

/* The line of one edge of the cycle: the line that took `to` while
 * holding `from`, and the line that had taken `from` (TSan prints it with
 * second_deadlock_stack=1, which racelab sets). Returns the student's
 * frame of the acquisition, or NULL. */
static const tsan_frame *put_edge_line(view *v, const tsan_access *a, const tsan_access *prev)
{
    int from = a->mutexes[0], to = acquired(a);
    const tsan_frame *took = prev ? report_frame_student(v->lab, &prev->stack) : NULL;
    const tsan_frame *here = report_frame_student(v->lab, &a->stack);
    sb_printf(v->sb, "M%d then M%d: ", from, to);
    report_thread_name(v->sb, a->thread);
    sb_printf(v->sb, " took M%d", to);
    put_lock_name(v, here);
    const tsan_frame *fr = put_place(v, &a->stack);
    sb_printf(v->sb, ", holding M%d", from);
    put_lock_name(v, took);
    if (took) {
        sb_printf(v->sb, ", which it took at ");
        report_append_name(v->sb, took->file);
        sb_printf(v->sb, ":%d", took->line);
    }
    return fr;
}

/* One edge of the cycle: its line, the source around it, and where its
 * thread started. */
static void put_edge(view *v, const tsan_access *a, size_t index)
{
    const tsan_access *prev = edge_previous(v->f, index);
    sb_append(v->sb, "  ");
    const tsan_frame *fr = put_edge_line(v, a, prev);
    sb_append(v->sb, "\n");
    put_source(v, &a->stack, fr, 2);
    if (prev && v->d->verbose) {
        sb_printf(v->sb, "    M%d was taken at:\n", a->mutexes[0]);
        report_frame_stack(v->sb, v->lab, &prev->stack, 6);
    }
    put_thread_origin(v, a->thread, 4);
}

/* The mutexes of a lock-order cycle, in order, into cycle[]; returns how many. */
static size_t lock_cycle(const tsan_finding *f, int cycle[TSAN_ITEMS_MAX + 1])
{
    size_t n = 0;
    for (size_t i = 0; i < f->nmutexes && n < TSAN_ITEMS_MAX; i++)
        cycle[n++] = f->mutexes[i].id;
    for (size_t i = 0; n == 0 && i < f->naccesses; i++)
        if (!f->accesses[i].is_previous && f->accesses[i].nmutexes)
            cycle[n++] = f->accesses[i].mutexes[0];
    return n;
}

/* The indexes in f->accesses of the cycle's edges, in its order (every
 * edge when no edge of the cycle is found), at most max; returns how many. */
static size_t cycle_edges(const tsan_finding *f, const int *cycle, size_t n, size_t *edges,
                          size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < max; i++) {
        size_t index;
        if (edge_from(f, cycle[i], &index))
            edges[k++] = index;
    }
    if (k == 0) /* no cycle line: every edge */
        for (size_t i = 0; i < f->naccesses && k < max; i++)
            if (!f->accesses[i].is_previous && f->accesses[i].nmutexes)
                edges[k++] = i;
    return k;
}

/* Appends "the cycle: M0 → M1 → M0" (no indent, no line break). */
static void put_cycle(strbuf *sb, const int *cycle, size_t n)
{
    sb_append(sb, "the cycle: ");
    for (size_t i = 0; i < n; i++)
        sb_printf(sb, "M%d → ", cycle[i]);
    sb_printf(sb, "M%d", cycle[0]);
}

static void describe_lock_order(view *v)
{
    const tsan_finding *f = v->f;
    int cycle[TSAN_ITEMS_MAX + 1];
    size_t n = lock_cycle(f, cycle);
    if (n == 2)
        sb_printf(v->sb, "two locks, M%d and M%d, are taken in opposite orders", cycle[0],
                  cycle[1]);
    else
        sb_printf(v->sb, "%zu locks are taken in orders that form a cycle", n);
    sb_append(v->sb, ": threads that each hold one and wait for the next wait forever "
                     "(a deadlock), even if this run was lucky\n");
    if (n) {
        sb_append(v->sb, "  ");
        put_cycle(v->sb, cycle, n);
        sb_append(v->sb, "\n");
    }
    size_t edges[TSAN_ITEMS_MAX];
    size_t k = cycle_edges(f, cycle, n, edges, TSAN_ITEMS_MAX);
    for (size_t i = 0; i < k; i++)
        put_edge(v, &f->accesses[edges[i]], edges[i]);
}

/* A place with no thread: "<indent><what> in f() at x.c:9" and its source. */
static void put_call(view *v, const char *what, const tsan_stack *s)
{
    sb_printf(v->sb, "  %s", what);
    const tsan_frame *fr = put_place(v, s);
    sb_append(v->sb, "\n");
    put_source(v, s, fr, 2);
}

static void describe_thread_leak(view *v)
{
    const tsan_thread *t = v->f->nthreads ? &v->f->threads[0] : NULL;
    strbuf who;
    sb_init(&who);
    report_thread_name(&who, t ? t->id : -1);
    sb_printf(v->sb,
              "%s was started but never joined or detached (a thread leak): wait for it "
              "with pthread_join, or detach it\n",
              who.data);
    bool hidden;
    const tsan_frame *at = t ? report_frame_origin(v->lab, &t->created, &hidden) : NULL;
    if (t && hidden)
        sb_printf(v->sb, "  %s was started by a hidden test\n", who.data);
    else if (t && at) {
        char *lead = xasprintf("%s was started", who.data);
        put_call(v, lead, &t->created);
        free(lead);
    }
    sb_free(&who);
}

/* The function a signal handler called that it must not: the frame TSan
 * caught (an interceptor, outside the student's files). */
static const char *unsafe_callee(const view *v)
{
    if (!v->f->naccesses || !v->f->accesses[0].stack.n)
        return NULL;
    const tsan_frame *top = &v->f->accesses[0].stack.frames[0];
    return report_frame_class(v->lab, top) == FRAME_SYSTEM ? top->func : NULL;
}

static void describe_signal_unsafe(view *v)
{
    const char *callee = unsafe_callee(v);
    strbuf name;
    sb_init(&name);
    if (callee) {
        report_append_name(&name, callee);
        sb_append(&name, "()");
    } else {
        sb_append(&name, "a function");
    }
    sb_printf(v->sb,
              "a signal handler called %s, which is not async-signal-safe: if the signal "
              "arrives while the program is inside %s itself, it can deadlock or corrupt "
              "its data\n",
              name.data, callee ? name.data : "that function");
    if (v->f->naccesses)
        put_call(v, "the call is", &v->f->accesses[0].stack);
    sb_free(&name);
}

static void describe_signal_errno(view *v)
{
    int sig = -1;
    for (size_t i = 0; i < v->f->naccesses && sig < 0; i++) {
        const char *s = v->f->accesses[i].what ? strstr(v->f->accesses[i].what, "Signal ") : NULL;
        if (s && isdigit((unsigned char)s[7]))
            sig = atoi(s + 7);
    }
    if (sig > 0)
        sb_printf(v->sb, "the handler of signal %d", sig);
    else
        sb_append(v->sb, "a signal handler");
    sb_append(v->sb, " changes errno and does not restore it, so the code it interrupted can "
                     "see a wrong errno: save errno when the handler starts and restore it "
                     "before it returns\n");
    if (v->f->naccesses)
        put_call(v, "the handler is", &v->f->accesses[0].stack);
}

/* TSan's misuse titles, in plain words, with the verbs for the misuse's
 * own stack and for the stack after it ("and:"). */
static const struct {
    const char *title, *words, *first, *second;
} misuses[] = {
    {"unlock of an unlocked mutex",
     "%s was unlocked while it was not locked, or by a thread that did not lock it", "unlocked",
     "also"},
    {"double lock of a mutex",
     "a thread locked %s while it already held it: it waits for itself forever", "locked again",
     "also"},
    {"destroy of a locked mutex", "%s was destroyed while it was still locked", "destroyed",
     "locked"},
    {"use of an invalid mutex", "%s was used while it was not initialised or already destroyed",
     "used", "also"},
    {"read lock of a write locked mutex", "a thread read-locked %s while it held it for writing",
     "read-locked", "also"},
    {"read unlock of a write locked mutex",
     "a thread read-unlocked %s, which was locked for writing", "read-unlocked", "also"},
};

static void describe_misuse(view *v)
{
    const tsan_finding *f = v->f;
    char *var = variable(v);
    char *name = var ? xasprintf("the mutex `%s`", var) : xstrdup("a mutex");
    size_t m = 0;
    while (m < sizeof misuses / sizeof misuses[0] &&
           strncmp(f->title, misuses[m].title, strlen(misuses[m].title)) != 0)
        m++;
    bool known = m < sizeof misuses / sizeof misuses[0];
    if (known) {
        sb_printf(v->sb, misuses[m].words, name);
    } else {
        sb_append(v->sb, "a mutex was misused: ");
        report_append_name(v->sb, f->title);
    }
    sb_append(v->sb, "\n");
    for (size_t i = 0; i < f->naccesses && i < 2; i++) {
        const char *how = !known ? "involved" : i ? misuses[m].second : misuses[m].first;
        char *lead = strcmp(how, "also") == 0 ? xstrdup("and also") : xasprintf("it was %s", how);
        put_call(v, lead, &f->accesses[i].stack);
        free(lead);
    }
    for (size_t i = 0; i < f->nmutexes; i++) {
        const char *how;
        bool hidden;
        const tsan_frame *at = mutex_origin(v, f->mutexes[i].id, &how, &hidden);
        if (hidden) {
            sb_printf(v->sb, "  the mutex was %s by a hidden test\n", how);
        } else if (at && !same_line(at, v->last)) {
            sb_printf(v->sb, "  the mutex was %s in ", how);
            report_frame_where(v->sb, at);
            sb_append(v->sb, "\n");
        }
    }
    free(var);
    free(name);
}

static void describe_other(view *v)
{
    bool crash = strncmp(v->f->title, "SEGV", 4) == 0 || strstr(v->f->title, "signal") ||
                 strstr(v->f->title, "on unknown address");
    sb_append(v->sb, crash ? "the program crashed: " : "ThreadSanitizer: ");
    report_append_name(v->sb, v->f->title);
    sb_append(v->sb, "\n");
    if (v->f->naccesses)
        put_call(v, "it happened", &v->f->accesses[0].stack);
    else if (v->f->summary) {
        sb_append(v->sb, "  ");
        report_append_name(v->sb, v->f->summary);
        sb_append(v->sb, "\n");
    }
}

/* ---- the whole finding ---- */

/* Appends "seen in 4 of 8 runs, first in run 1 (seed 1)" to sb; false
 * (and nothing) when the run kept no count of finding i. */
static bool put_seen_counts(strbuf *sb, const lab_result *lab, size_t i)
{
    const finding_stat *s = lab->stats ? &lab->stats[i] : NULL;
    if (!s || s->trials == 0)
        return false;
    sb_printf(sb, "seen in %u of %zu run%s, first in run %u (seed %u)", s->trials, lab->ntrials,
              lab->ntrials == 1 ? "" : "s", s->first_trial + 1, s->first_seed);
    return true;
}

/* Appends "  seen in 4 of 8 runs, first in run 1 (seed 1); replay it: ...". */
static void put_seen(view *v, size_t i)
{
    strbuf counts;
    sb_init(&counts);
    if (put_seen_counts(&counts, v->lab, i)) {
        sb_printf(v->sb, "  %s; replay it: ", counts.data);
        report_replay_command(v->sb, v->lab->lab.id, v->lab->stats[i].first_seed, v->d->submission);
        sb_append(v->sb, "\n");
    }
    sb_free(&counts);
}

void report_describe_finding_with(strbuf *sb, const lab_result *lab, size_t i,
                                  const report_detail *d, const char *hint)
{
    view v = {.sb = sb, .lab = lab, .f = &lab->findings.items[i], .d = d};
    if (!v.f->title)
        return;
    switch (v.f->kind) {
    case TSAN_DATA_RACE:
        describe_race(&v);
        break;
    case TSAN_HEAP_USE_AFTER_FREE:
        describe_use_after_free(&v);
        break;
    case TSAN_LOCK_ORDER:
        describe_lock_order(&v);
        break;
    case TSAN_THREAD_LEAK:
        describe_thread_leak(&v);
        break;
    case TSAN_SIGNAL_UNSAFE:
        describe_signal_unsafe(&v);
        break;
    case TSAN_SIGNAL_ERRNO:
        describe_signal_errno(&v);
        break;
    case TSAN_MUTEX_MISUSE:
        describe_misuse(&v);
        break;
    case TSAN_OTHER:
        describe_other(&v);
        break;
    }
    put_seen(&v, i);
    if (hint) {
        char *clean = report_clean_text(hint, 4000);
        sb_printf(sb, "  Hint: %s\n", clean);
        free(clean);
    }
}

/* ---- the same finding in pieces (report.h, report_finding_parts) ---- */

/* What v->sb holds, trimmed of the indent and line breaks the text
 * layout adds; NULL when empty. v->sb is left empty. */
static char *take_line(view *v)
{
    char *text = sb_take(v->sb);
    size_t lead = strspn(text, " "), n = strlen(text);
    while (n > lead && text[n - 1] == '\n')
        n--;
    char *line = n > lead ? xstrndup(text + lead, n - lead) : NULL;
    free(text);
    return line;
}

/* Fills the next place from what v->sb holds (its line), for access a. */
static void take_place(view *v, report_finding_parts *out, const tsan_access *a,
                       const tsan_frame *fr, bool earlier)
{
    report_place *p = &out->places[out->nplaces++];
    p->says = take_line(v);
    p->at = fr;
    p->thread = a->thread;
    p->earlier = earlier;
    strbuf o;
    sb_init(&o);
    if (a->thread > 0 && report_thread_origin(&o, v->lab, v->f, a->thread))
        p->started = sb_take(&o);
    sb_free(&o);
}

static void race_parts(view *v, report_finding_parts *out)
{
    char *var = variable(v);
    put_location(v, var);
    out->about = take_line(v);
    free(var);
    for (size_t i = 0; i < v->f->naccesses && i < 2; i++) {
        const tsan_access *a = &v->f->accesses[i];
        char *it = xasprintf("%s it", verb(a));
        const tsan_frame *fr = put_access_line(v, a, i ? "earlier, " : "", it, true);
        take_place(v, out, a, fr, i == 1);
        free(it);
    }
}

static void use_after_free_parts(view *v, report_finding_parts *out)
{
    for (size_t i = 0; i < v->f->naccesses && i < 2; i++) {
        const tsan_access *a = &v->f->accesses[i];
        const char *what = i ? "freed it" : a->is_write ? "wrote it" : "read it";
        const tsan_frame *fr = put_access_line(v, a, i ? "before that, " : "", what, false);
        take_place(v, out, a, fr, i == 1);
    }
}

static void lock_order_parts(view *v, report_finding_parts *out)
{
    int cycle[TSAN_ITEMS_MAX + 1];
    size_t n = lock_cycle(v->f, cycle);
    if (n) {
        put_cycle(v->sb, cycle, n);
        out->about = take_line(v);
    }
    size_t edges[REPORT_PLACES_MAX];
    size_t k = cycle_edges(v->f, cycle, n, edges, REPORT_PLACES_MAX);
    for (size_t i = 0; i < k; i++) {
        const tsan_access *a = &v->f->accesses[edges[i]];
        const tsan_frame *fr = put_edge_line(v, a, edge_previous(v->f, edges[i]));
        take_place(v, out, a, fr, false);
    }
}

void report_finding_parts_get(const lab_result *lab, size_t i, const report_detail *d,
                              report_finding_parts *out)
{
    memset(out, 0, sizeof *out);
    strbuf sb;
    sb_init(&sb);
    view v = {.sb = &sb, .lab = lab, .f = &lab->findings.items[i], .d = d};
    report_describe_finding_with(&sb, lab, i, d, NULL);
    out->headline = xstrndup(sb.data, strcspn(sb.data, "\n"));
    sb_free(&sb);
    if (v.f->title) {
        switch (v.f->kind) {
        case TSAN_DATA_RACE:
            race_parts(&v, out);
            break;
        case TSAN_HEAP_USE_AFTER_FREE:
            use_after_free_parts(&v, out);
            break;
        case TSAN_LOCK_ORDER:
            lock_order_parts(&v, out);
            break;
        default:
            break; /* one place or none: the words say it all */
        }
    }
    if (put_seen_counts(&sb, lab, i)) {
        out->seen = sb_take(&sb);
        report_replay_command(&sb, lab->lab.id, lab->stats[i].first_seed, d->submission);
        out->replay = sb_take(&sb);
    }
    sb_free(&sb);
}

void report_finding_parts_free(report_finding_parts *p)
{
    free(p->headline);
    free(p->about);
    for (size_t i = 0; i < p->nplaces; i++) {
        free(p->places[i].says);
        free(p->places[i].started);
    }
    free(p->seen);
    free(p->replay);
    memset(p, 0, sizeof *p);
}

void report_describe_finding(strbuf *sb, const lab_result *lab, size_t i)
{
    static const report_detail plain = {0};
    const tsan_finding *f = &lab->findings.items[i];
    const char *hint = NULL;
    for (size_t k = 0; k < lab->lab.nchecks && !hint; k++) {
        const lab_check *c = &lab->lab.checks[k];
        if (c->kind == CHECK_RACE_FREE && score_check_counts(c, f) &&
            (unsigned)f->kind < TSAN_NKINDS)
            hint = c->kind_hints[f->kind];
    }
    report_describe_finding_with(sb, lab, i, &plain, hint);
}

void report_replay_command(strbuf *sb, const char *lab, unsigned seed, const char *submission)
{
    sb_printf(sb, "build/racelab replay %s --seed %u", lab, seed);
    if (!submission)
        return;
    sb_append(sb, " --submission ");
    bool plain = *submission != '\0';
    for (const char *p = submission; *p; p++)
        plain = plain && (isalnum((unsigned char)*p) || strchr("/._-+,:=@", *p));
    if (plain) {
        sb_append(sb, submission);
        return;
    }
    sb_append(sb, "'");
    for (const char *p = submission; *p; p++)
        sb_append(sb, *p == '\'' ? "'\\''" : (char[]){*p, '\0'});
    sb_append(sb, "'");
}
