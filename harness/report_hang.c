/*
 * report_hang.c - a hung run's threads in words (see report_hang.h).
 */
#include "report_hang.h"

#include "report_frames.h"
#include "report_source.h"

#include <string.h>

#define CALLERS_SHOWN 3 /* student frames named after the one quoted */

/* The first frame of t in a student's file, or t->stack.n. */
static size_t first_student(const lab_result *lab, const hang_thread *t)
{
    for (size_t i = 0; i < t->stack.n; i++)
        if (report_frame_class(lab, &t->stack.frames[i]) == FRAME_STUDENT)
            return i;
    return t->stack.n;
}

/* The call a thread was in: the function the student's frame called, as
 * the student wrote it (the probe's stand-in racelab_probe_X is X). */
static void put_call(strbuf *sb, const hang_thread *t, size_t student)
{
    const char *func = t->stack.frames[student - 1].func;
    if (strncmp(func, "racelab_probe_", 14) == 0)
        func += 14;
    report_append_name(sb, func);
    sb_append(sb, "(");
    for (size_t i = 0; i < student; i++)
        if (t->symbols[i]) {
            sb_append(sb, "&");
            report_append_name(sb, t->symbols[i]);
            break;
        }
    sb_append(sb, ")");
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

/* True when the student's frame called ThreadSanitizer's instrumentation
 * (a memory access being checked): the thread runs its own code. */
static bool in_instrumentation(const hang_thread *t, size_t student)
{
    const char *func = t->stack.frames[student - 1].func;
    return strncmp(func, "__tsan_", 7) == 0 && strncmp(func, "__tsan_atomic", 13) != 0;
}

static void put_thread(strbuf *sb, const lab_result *lab, const hang_thread *t, int indent,
                       int process, bool verbose)
{
    size_t s = first_student(lab, t);
    sb_printf(sb, "%*s", indent, "");
    put_thread_name(sb, t, process);
    if (s == t->stack.n) {
        sb_append(sb, ": not in your code");
        if (t->stack.n && t->stack.frames[0].func) {
            sb_append(sb, " (in ");
            report_append_name(sb, t->stack.frames[0].func);
            sb_append(sb, "())");
        }
        sb_append(sb, "\n");
    } else {
        const tsan_frame *f = &t->stack.frames[s];
        if (s == 0 || in_instrumentation(t, s)) {
            sb_append(sb, ": running ");
        } else {
            sb_append(sb, ": waiting in ");
            put_call(sb, t, s);
            sb_append(sb, ", called from ");
        }
        report_frame_where(sb, f);
        size_t shown = 0;
        for (size_t i = s + 1; i < t->stack.n && shown < CALLERS_SHOWN; i++)
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

void report_hang_threads(strbuf *sb, const lab_result *lab, const hang_stacks *h, int indent,
                         bool verbose)
{
    bool several = false;
    for (size_t i = 1; i < h->n; i++)
        several = several || h->threads[i].process != h->threads[0].process;
    /* gdb lists a process's newest thread first: its main thread goes first here */
    int process = 0;
    for (size_t start = 0, end; start < h->n; start = end) {
        for (end = start; end < h->n && h->threads[end].process == h->threads[start].process;)
            end++;
        process++;
        for (size_t k = end; k-- > start;)
            if (!h->threads[k].racelab || verbose)
                put_thread(sb, lab, &h->threads[k], indent, several ? process : 0, verbose);
    }
}
