/*
 * report_text.c - the report people read in a terminal or a log: `racelab
 * check` (a student's working copy) and `racelab grade --format text` (a
 * submission) both come here, so a student sees what the grader sees.
 *
 * Layout. A lab at full marks is one line. Otherwise its line is followed
 * by one line per check (PASS, FAIL, or FLAKY when it failed in some runs
 * only), and under each failed check what went wrong in plain words
 * (report_describe.c): every problem at the student's own lines, how the
 * tests fared over the runs, the command that replays a failing run, the
 * hint. -v (verbose) shows everything: every check's details, every frame.
 *
 * Colour only when the caller asks (r->color: a terminal that wants it, see
 * term.h). Colours are added here, to whole lines of the shared plain-text
 * descriptions (a problem's headline, the student's line a problem points
 * at, a hint), never inside them, so the platforms' writers, which embed
 * the same text (report_text_string), get it without escape codes.
 */
#include "report.h"
#include "report_hang.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

#define TITLE_WIDTH 50       /* characters of a check's title on its line */
#define CHECK_TEXT_MAX 16000 /* bytes of one check's feedback shown without -v */

typedef struct {
    const char *bold, *red, *green, *yellow, *cyan, *dim, *off;
} palette;

static const palette colours = {"\033[1m",  "\033[31m", "\033[32m", "\033[33m",
                                "\033[36m", "\033[2m",  "\033[0m"};
static const palette plain = {"", "", "", "", "", "", ""};

/* The colour of one line of a description, from how it starts. */
static const char *line_colour(const char *s, size_t n, const palette *p)
{
    size_t lead = strspn(s, " ");
    if (lead >= n)
        return NULL;
    if (strncmp(s, "Problem ", 8) == 0)
        return p->bold;
    if (s[lead] == '>' && s[lead + 1] == ' ')
        return p->red; /* the student's line a problem points at */
    if (strncmp(s + lead, "Hint: ", 6) == 0)
        return p->cyan;
    if (s[lead] == '(' || strncmp(s + lead, "seen in ", 8) == 0)
        return p->dim;
    return NULL;
}

/* Writes text indented by `indent` spaces on every line, colouring lines. */
static void put_indented(FILE *out, const char *text, int indent, const palette *p)
{
    for (const char *s = text; *s;) {
        size_t n = strcspn(s, "\n");
        const char *c = line_colour(s, n, p);
        fprintf(out, "%*s%s%.*s%s\n", n ? indent : 0, "", c ? c : "", (int)n, s,
                c && *c ? p->off : "");
        s += n + (s[n] == '\n');
    }
}

/* The feedback under a check's line, cut at a line break when too long. */
static void put_body(FILE *out, const char *body, const palette *p, bool verbose)
{
    if (verbose || strlen(body) <= CHECK_TEXT_MAX) {
        put_indented(out, body, 8, p);
        return;
    }
    char *cut = xstrndup(body, CHECK_TEXT_MAX);
    char *nl = strrchr(cut, '\n');
    if (nl)
        nl[1] = '\0';
    put_indented(out, cut, 8, p);
    fprintf(out, "%*s%s(long feedback cut here; -v shows all of it)%s\n", 8, "", p->dim, p->off);
    free(cut);
}

static void write_check(FILE *out, const lab_result *lab, size_t i, const palette *p,
                        const report_detail *d)
{
    const check_result *c = &lab->checks[i];
    const lab_check *k = &lab->lab.checks[i];
    bool flaky = c->failed_runs > 0 && c->failed_runs < c->runs;
    const char *mark = c->passed ? "PASS" : flaky ? "FLAKY" : "FAIL";
    const char *colour = c->passed ? p->green : flaky ? p->yellow : p->red;
    char *title = report_clean_text(k->title ? k->title : k->id, 200);
    for (char *s = title; *s; s++)
        if (*s == '\n' || *s == '\t')
            *s = ' ';
    if (strlen(title) > TITLE_WIDTH) /* keep the score column aligned */
        strcpy(title + TITLE_WIDTH - 3, "...");
    fprintf(out, "  %s%-5s%s %-*s %5g/%-4g %s%s%s\n", colour, mark, p->off, TITLE_WIDTH, title,
            c->score, k->points, p->dim, c->summary ? c->summary : "", p->off);
    free(title);
    if ((c->passed && !d->verbose) || lab->state != LAB_GRADED)
        return;
    strbuf sb;
    sb_init(&sb);
    report_describe_check_with(&sb, lab, i, d);
    const char *body = strchr(sb.data, '\n'); /* the summary is on the check's line already */
    while (body && *body == '\n')
        body++;
    if (body && *body)
        put_body(out, body, p, d->verbose);
    sb_free(&sb);
}

static void write_lab(FILE *out, const lab_result *lab, const palette *p, const report_detail *d)
{
    bool full = lab->score >= lab->max_score && lab->state == LAB_GRADED;
    char *title = report_clean_text(lab->lab.title, 200);
    fprintf(out, "%s%s%s  %s  %s%g/%g%s  (%.1f s, %zu runs)", p->bold, lab->lab.id, p->off, title,
            full ? p->green : p->red, lab->score, lab->max_score, p->off, lab->seconds,
            lab->ntrials);
    free(title);
    if (full && !d->verbose)
        fprintf(out, "  %sall %zu checks passed%s", p->green, lab->lab.nchecks, p->off);
    fputc('\n', out);
    if (lab->message)
        fprintf(out, "  %s%s%s\n", p->red, lab->message, p->off);
    if (lab->state == LAB_BUILD_FAILED && lab->build_log && *lab->build_log) {
        char *log = report_clean_text(lab->build_log, d->verbose ? 65536 : 4000);
        put_indented(out, log, 4, &plain);
        free(log);
    }
    for (size_t i = 0; i < lab->notes.n; i++)
        fprintf(out, "  note: %s\n", lab->notes.items[i]);
    for (size_t i = 0; i < lab->lab.nchecks && (!full || d->verbose); i++)
        write_check(out, lab, i, p, d);
    strbuf hang;
    sb_init(&hang);
    if (lab->state == LAB_GRADED && report_hang_lab(&hang, lab, 2, d->verbose)) {
        fputc('\n', out);
        put_indented(out, hang.data, 0, p);
    }
    sb_free(&hang);
    if (!full || d->verbose)
        fputc('\n', out);
}

rl_status report_write_text(const report *r, FILE *out, rl_err *err)
{
    const palette *p = r->color ? &colours : &plain;
    report_detail d = {.verbose = r->verbose, .submission = r->submission};
    for (size_t i = 0; i < r->nlabs; i++)
        write_lab(out, &r->labs[i], p, &d);
    for (size_t i = 0; i < r->notes.n; i++)
        fprintf(out, "note: %s\n", r->notes.items[i]);
    double score = report_score(r), max = report_max_score(r);
    fprintf(out, "%sTotal: %g/%g%s in %.1f s\n", p->bold, score, max, p->off, r->seconds);
    if (ferror(out))
        return rl_fail(err, RL_ERR_IO, "could not write the report");
    return RL_OK;
}

/* Runs a writer into a new string (open_memstream); "" when that fails. */
static char *capture(void (*write)(FILE *, const void *, bool), const void *what, bool verbose)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return xstrdup("");
    write(f, what, verbose);
    if (fclose(f) != 0 || !text) {
        free(text);
        return xstrdup("");
    }
    return text;
}

static void write_whole(FILE *out, const void *what, bool verbose)
{
    report copy = *(const report *)what;
    copy.color = false;
    copy.verbose = verbose;
    rl_err err;
    report_write_text(&copy, out, &err);
}

static void write_one(FILE *out, const void *what, bool verbose)
{
    report_detail d = {.verbose = verbose};
    write_lab(out, what, &plain, &d);
}

char *report_text_string(const report *r)
{
    return capture(write_whole, r, r->verbose);
}

char *report_text_lab_string(const lab_result *lab, bool verbose)
{
    return capture(write_one, lab, verbose);
}
