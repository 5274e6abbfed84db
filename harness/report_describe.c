/*
 * report_describe.c - turns findings and check results into the plain
 * words a student reads (see report.h): which two lines collided, on what,
 * from which threads, holding which locks, and how often.
 */
#include "report.h"

#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SOURCE_LINE_MAX 160

/* The text of line `line` of the student's file named `file`, trimmed; NULL
 * when the file is not a student file or the line does not exist. */
static char *source_line(const lab_result *lab, const char *file, int line)
{
    if (!file || line <= 0)
        return NULL;
    const char *path = NULL;
    for (size_t i = 0; i < lab->lab.student_files.n && i < lab->sources.n; i++)
        if (strcmp(lab->lab.student_files.items[i], file) == 0)
            path = lab->sources.items[i];
    if (!path)
        return NULL;
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char buf[4096];
    char *found = NULL;
    for (int n = 1; fgets(buf, sizeof buf, f); n++) {
        if (n < line)
            continue;
        buf[strcspn(buf, "\r\n")] = '\0';
        const char *s = buf + strspn(buf, " \t");
        found = report_clean_text(s, SOURCE_LINE_MAX);
        break;
    }
    fclose(f);
    return found;
}

static void thread_name(char *buf, size_t n, int thread)
{
    if (thread == 0)
        snprintf(buf, n, "the main thread");
    else if (thread > 0)
        snprintf(buf, n, "thread T%d", thread);
    else
        snprintf(buf, n, "a thread");
}

/* One plain sentence for what happened. */
static void headline(strbuf *sb, const tsan_finding *f)
{
    const char *var = f->variable;
    if (f->kind == TSAN_DATA_RACE && f->naccesses >= 2) {
        bool w0 = f->accesses[0].is_write, w1 = f->accesses[1].is_write;
        const char *what = var ? var : "the same memory";
        if (w0 && w1)
            sb_printf(sb, "two threads wrote %s%s%s at the same time without a common lock",
                      var ? "`" : "", what, var ? "`" : "");
        else
            sb_printf(sb, "one thread wrote %s%s%s while another read it, without a common lock",
                      var ? "`" : "", what, var ? "`" : "");
    } else if (f->kind == TSAN_LOCK_ORDER) {
        sb_append(sb, "two locks are taken in opposite orders by different threads: this can "
                      "deadlock");
    } else {
        sb_append(sb, tsan_kind_name(f->kind));
        if (var)
            sb_printf(sb, " on `%s`", var);
    }
}

static void describe_access(strbuf *sb, const lab_result *lab, const tsan_finding *f,
                            const tsan_access *a)
{
    char who[32];
    thread_name(who, sizeof who, a->thread);
    const tsan_frame *fr = report_student_frame(lab, a);
    const char *verb = a->is_write ? "write" : "read";
    if (f->kind == TSAN_LOCK_ORDER)
        verb = "lock taken";
    else if (f->kind != TSAN_DATA_RACE || !a->what || !*a->what)
        verb = "call";
    sb_printf(sb, "  %s%s%s by %s", a->is_previous ? "earlier " : "", a->is_atomic ? "atomic " : "",
              verb, who);
    if (fr)
        sb_printf(sb, " in %s() at %s:%d", fr->func ? fr->func : "?", fr->file ? fr->file : "?",
                  fr->line);
    if (a->nmutexes == 0)
        sb_append(sb, ", holding no lock");
    else {
        sb_append(sb, ", holding");
        for (size_t i = 0; i < a->nmutexes; i++)
            sb_printf(sb, "%s M%d", i ? "," : "", a->mutexes[i]);
    }
    sb_append(sb, "\n");
    char *text = fr ? source_line(lab, fr->file, fr->line) : NULL;
    if (text)
        sb_printf(sb, "      %4d | %s\n", fr->line, text);
    free(text);
}

void report_describe_finding(strbuf *sb, const lab_result *lab, size_t i)
{
    const tsan_finding *f = &lab->findings.items[i];
    const finding_stat *s = &lab->stats[i];
    headline(sb, f);
    sb_printf(sb, "\n  (seen in %u of %zu runs; first in run %u, seed %u)\n", s->trials,
              lab->ntrials, s->first_trial + 1, s->first_seed);
    for (size_t k = 0; k < f->naccesses && k < 4; k++)
        describe_access(sb, lab, f, &f->accesses[k]);
    if (f->naccesses == 0 && f->summary) {
        char *clean = report_clean_text(f->summary, 400);
        sb_printf(sb, "  %s\n", clean);
        free(clean);
    }
}

void report_describe_check(strbuf *sb, const lab_result *lab, size_t check)
{
    const check_result *c = &lab->checks[check];
    const lab_check *k = &lab->lab.checks[check];
    sb_printf(sb, "%s\n", c->summary ? c->summary : "");
    if (c->passed)
        return;
    if (c->details) {
        char *clean = report_clean_text(c->details, 4000);
        sb_printf(sb, "%s", clean);
        free(clean);
    }
    if (k->kind == CHECK_RACE_FREE) {
        unsigned shown = 0;
        for (size_t i = 0; i < lab->findings.n; i++) {
            if (!score_check_counts(k, &lab->findings.items[i]))
                continue;
            sb_printf(sb, "\nProblem %u: ", ++shown);
            report_describe_finding(sb, lab, i);
        }
    }
    if (k->hint)
        sb_printf(sb, "\nHint: %s\n", k->hint);
}
