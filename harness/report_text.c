/*
 * report_text.c - the report people read in a terminal: one line per lab
 * with its score, one line per check, and for each failed check what went
 * wrong, the races at the student's own lines, and the lab's hint. Colour
 * only when asked (a terminal without NO_COLOR, decided by the caller).
 */
#include "report.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

#define TITLE_WIDTH 50 /* characters of a check's title on its line */

typedef struct {
    const char *bold, *red, *green, *yellow, *dim, *off;
} palette;

static const palette colours = {"\033[1m",  "\033[31m", "\033[32m",
                                "\033[33m", "\033[2m",  "\033[0m"};
static const palette plain = {"", "", "", "", "", ""};

/* Writes text indented by `indent` spaces on every line. */
static void put_indented(FILE *out, const char *text, int indent)
{
    for (const char *s = text; *s;) {
        size_t n = strcspn(s, "\n");
        fprintf(out, "%*s%.*s\n", n ? indent : 0, "", (int)n, s);
        s += n + (s[n] == '\n');
    }
}

static void write_check(FILE *out, const lab_result *lab, size_t i, const palette *p, bool verbose)
{
    const check_result *c = &lab->checks[i];
    const lab_check *k = &lab->lab.checks[i];
    bool flaky = c->failed_runs > 0 && c->failed_runs < c->runs;
    const char *mark = c->passed ? "PASS" : flaky ? "FLAKY" : "FAIL";
    const char *colour = c->passed ? p->green : flaky ? p->yellow : p->red;
    char *title = report_clean_text(k->title ? k->title : k->id, 200);
    if (strlen(title) > TITLE_WIDTH) /* keep the score column aligned */
        strcpy(title + TITLE_WIDTH - 3, "...");
    fprintf(out, "  %s%-5s%s %-*s %5g/%-4g %s%s%s\n", colour, mark, p->off, TITLE_WIDTH, title,
            c->score, k->points, p->dim, c->summary ? c->summary : "", p->off);
    free(title);
    if (c->passed || lab->state != LAB_GRADED)
        return;
    strbuf sb;
    sb_init(&sb);
    report_describe_check(&sb, lab, i);
    /* the summary is on the check's line already */
    const char *body = strchr(sb.data, '\n');
    if (body && body[1]) {
        if (!verbose && strlen(body) > 6000)
            fprintf(out, "%*s(long report cut; run with -v for all of it)\n", 8, "");
        char *cut = verbose ? xstrdup(body + 1) : xstrndup(body + 1, 6000);
        put_indented(out, cut, 8);
        free(cut);
    }
    sb_free(&sb);
}

static void write_lab(FILE *out, const lab_result *lab, const palette *p, bool verbose)
{
    bool full = lab->score >= lab->max_score && lab->state == LAB_GRADED;
    char *title = report_clean_text(lab->lab.title, 200);
    fprintf(out, "%s%s%s  %s  %s%g/%g%s  (%.1f s, %zu runs)\n", p->bold, lab->lab.id, p->off, title,
            full ? p->green : p->red, lab->score, lab->max_score, p->off, lab->seconds,
            lab->ntrials);
    free(title);
    if (lab->message)
        fprintf(out, "  %s%s%s\n", p->red, lab->message, p->off);
    if (lab->state == LAB_BUILD_FAILED && lab->build_log && *lab->build_log) {
        char *log = report_clean_text(lab->build_log, verbose ? 65536 : 4000);
        put_indented(out, log, 4);
        free(log);
    }
    for (size_t i = 0; i < lab->notes.n; i++)
        fprintf(out, "  note: %s\n", lab->notes.items[i]);
    for (size_t i = 0; i < lab->lab.nchecks; i++)
        write_check(out, lab, i, p, verbose);
    fputc('\n', out);
}

rl_status report_write_text(const report *r, FILE *out, rl_err *err)
{
    const palette *p = r->color ? &colours : &plain;
    for (size_t i = 0; i < r->nlabs; i++)
        write_lab(out, &r->labs[i], p, r->verbose);
    for (size_t i = 0; i < r->notes.n; i++)
        fprintf(out, "note: %s\n", r->notes.items[i]);
    double score = report_score(r), max = report_max_score(r);
    fprintf(out, "%sTotal: %g/%g%s in %.1f s\n", p->bold, score, max, p->off, r->seconds);
    if (ferror(out))
        return rl_fail(err, RL_ERR_IO, "could not write the report");
    return RL_OK;
}
