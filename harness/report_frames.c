/*
 * report_frames.c - sorting a stack's frames into the student's and the
 * rest, and writing frames and threads in words (see report_frames.h).
 *
 * The class of a frame follows from its file as TSan printed it after
 * strip_path_prefix (the lab's files are bare names: "bank.c"), matched
 * against the lab's own lists, so a file the lab does not name is never
 * taken for the student's. racelab's probe is compiled from .racelab/probe.c
 * beside the student's files, and its functions are racelab_probe_*.
 */
#include "report_frames.h"

#include "report.h"

#include <stdlib.h>
#include <string.h>

#define NAME_MAX_SHOWN 200 /* bytes of a function or file name shown */

frame_class report_frame_class(const lab_result *lab, const tsan_frame *f)
{
    if (tsan_frame_is_probe(f))
        return FRAME_RACELAB;
    if (!f->file)
        return FRAME_SYSTEM;
    const lab_manifest *m = &lab->lab;
    if (strlist_contains(&m->student_files, f->file))
        return FRAME_STUDENT;
    if (strlist_contains(&m->hidden_tests, f->file))
        return FRAME_HIDDEN;
    if (strlist_contains(&m->tests, f->file) || strlist_contains(&m->support, f->file))
        return FRAME_TEST;
    /* "./.racelab/": the probe's objects are built with
     * -fdebug-compilation-dir=. so that they can be reused (object_cache.h) */
    if (strncmp(f->file, ".racelab/", 9) == 0 || strncmp(f->file, "./.racelab/", 11) == 0)
        return FRAME_RACELAB;
    return FRAME_SYSTEM;
}

const tsan_frame *report_frame_student(const lab_result *lab, const tsan_stack *s)
{
    for (size_t i = 0; s && i < s->n; i++)
        if (report_frame_class(lab, &s->frames[i]) == FRAME_STUDENT)
            return &s->frames[i];
    return NULL;
}

const tsan_frame *report_frame_origin(const lab_result *lab, const tsan_stack *s, bool *hidden)
{
    *hidden = false;
    for (size_t i = 0; s && i < s->n; i++) {
        switch (report_frame_class(lab, &s->frames[i])) {
        case FRAME_STUDENT:
        case FRAME_TEST:
            return &s->frames[i];
        case FRAME_HIDDEN:
            *hidden = true;
            return NULL;
        case FRAME_RACELAB:
        case FRAME_SYSTEM:
            break;
        }
    }
    return NULL;
}

void report_append_name(strbuf *sb, const char *s)
{
    char *clean = report_clean_text(s, NAME_MAX_SHOWN);
    for (char *p = clean; *p; p++)
        if (*p == '\n' || *p == '\t')
            *p = ' ';
    sb_append(sb, clean);
    free(clean);
}

void report_frame_where(strbuf *sb, const tsan_frame *f)
{
    if (f->func) {
        report_append_name(sb, f->func);
        sb_append(sb, "() at ");
    }
    report_append_name(sb, f->file ? f->file : "?");
    if (f->line > 0)
        sb_printf(sb, ":%d", f->line);
}

/* True when module is the program built from a hidden test ("test_x_hidden"
 * from test_x_hidden.c): its name stays private, as in score.c. */
static bool hidden_program(const lab_result *lab, const char *module)
{
    for (size_t i = 0; i < lab->lab.hidden_tests.n; i++) {
        const char *t = lab->lab.hidden_tests.items[i];
        size_t n = strcspn(t, ".");
        if (strncmp(module, t, n) == 0 && module[n] == '\0')
            return true;
    }
    return false;
}

void report_frame_stack(strbuf *sb, const lab_result *lab, const tsan_stack *s, int indent)
{
    for (size_t i = 0; i < s->n; i++) {
        const tsan_frame *f = &s->frames[i];
        sb_printf(sb, "%*s#%zu ", indent, "", i);
        if (report_frame_class(lab, f) == FRAME_HIDDEN) {
            sb_append(sb, "(in a hidden test)\n");
            continue;
        }
        report_append_name(sb, f->func ? f->func : "?");
        if (f->file) {
            sb_append(sb, " ");
            report_append_name(sb, f->file);
            if (f->line > 0)
                sb_printf(sb, ":%d", f->line);
            if (f->col > 0)
                sb_printf(sb, ":%d", f->col);
        } else if (f->module && hidden_program(lab, f->module)) {
            sb_append(sb, " (in a hidden test program)");
        } else if (f->module) {
            sb_append(sb, " (");
            report_append_name(sb, f->module);
            sb_printf(sb, "+0x%llx)", f->offset);
        }
        sb_append(sb, "\n");
    }
}

bool report_frame_folds(const lab_result *lab, const tsan_stack *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (report_frame_class(lab, &s->frames[i]) != FRAME_STUDENT)
            return true;
    return false;
}

void report_thread_name(strbuf *sb, int thread)
{
    if (thread == 0)
        sb_append(sb, "the main thread");
    else if (thread > 0)
        sb_printf(sb, "thread T%d", thread);
    else
        sb_append(sb, "a thread");
}

const tsan_thread *report_thread_find(const tsan_finding *f, int id)
{
    for (size_t i = 0; id > 0 && i < f->nthreads; i++)
        if (f->threads[i].id == id)
            return &f->threads[i];
    return NULL;
}

bool report_thread_origin(strbuf *sb, const lab_result *lab, const tsan_finding *f, int id)
{
    const tsan_thread *t = report_thread_find(f, id);
    if (!t)
        return false;
    bool hidden;
    const tsan_frame *at = report_frame_origin(lab, &t->created, &hidden);
    if (hidden) {
        sb_append(sb, "started by a hidden test");
        return true;
    }
    if (!at)
        return false;
    sb_append(sb, "started in ");
    report_frame_where(sb, at);
    return true;
}
