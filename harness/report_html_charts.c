/*
 * report_html_charts.c - the HTML page's two pictures, as inline SVG (see
 * report_html.h): a finding's timeline and a tests check's outcomes.
 *
 * Timeline: one lane per place of a finding (a thread), from the point
 * where the thread was started to its access, labelled with the student's
 * line. ThreadSanitizer reports the earlier access of a race as
 * "Previous", and a use after free's free came first; that access sits
 * further left, and a dashed line joins the two accesses that nothing
 * ordered. A lock-order inversion's edges have no known order: they sit
 * one above the other.
 *
 * Outcomes: one bar per test, as long as the runs, split into the runs it
 * passed and one part per distinct failure message (most frequent first),
 * then the runs that gave no result. The legend below gives each colour's
 * message; a hidden test's failures are counted, never quoted.
 *
 * Every label is student-derived and goes through report_html_put. SVG
 * takes no style attribute here (the page's policy allows only its own
 * style sheet): colours come from classes.
 */
#include "report_html.h"

#include "report_frames.h"
#include "report_source.h"

#include <stdlib.h>
#include <string.h>

/* timeline geometry, in SVG units */
#define TL_WIDTH 720
#define TL_TOP 36      /* y of the first lane */
#define TL_LANE 58     /* between lanes */
#define TL_START 70    /* x where a thread starts */
#define TL_EARLY 250   /* x of an access that came first */
#define TL_LATE 440    /* x of an access that came later (or of every access, unordered) */
#define LABEL_CHARS 38 /* characters of a label that starts at an access */

/* outcome chart geometry */
#define OC_WIDTH 720
#define OC_ROW 24
#define OC_NAME 250 /* right end of the test names */
#define OC_BAR 262  /* left end of the bars */
#define OC_BAR_WIDTH 360
#define OC_ROWS_MAX 40  /* tests drawn; the rest are summed up in words */
#define OC_SHADES 5     /* failure colours, bar-f0 .. bar-f4 */
#define OC_LEGEND_MAX 5 /* messages listed per test, as in the text report */

/* ---- timeline ---- */

/* A lane's name: "T3", "main", "?". */
static void put_lane_name(strbuf *sb, int thread)
{
    if (thread > 0)
        sb_printf(sb, "T%d", thread);
    else
        sb_append(sb, thread == 0 ? "main" : "?");
}

/* The label of a place's access: "bank.c:38  acct->balance += cents;". */
static void put_access_label(strbuf *sb, const lab_result *lab, const report_place *p)
{
    if (!p->at) {
        report_html_put_short(sb, p->says, LABEL_CHARS);
        return;
    }
    strbuf label;
    sb_init(&label);
    report_append_name(&label, p->at->file);
    sb_printf(&label, ":%d", p->at->line);
    size_t n = 0;
    report_source_line *line = report_source_lines(lab, p->at->file, p->at->line, 0, &n);
    if (n == 1)
        sb_printf(&label, "  %s", line[0].text + strspn(line[0].text, " "));
    report_source_lines_free(line, n);
    report_html_put_short(sb, label.data, LABEL_CHARS);
    sb_free(&label);
}

static int access_x(const report_place *p, bool ordered)
{
    return !ordered ? TL_LATE : p->earlier ? TL_EARLY : TL_LATE;
}

void report_html_timeline(strbuf *sb, const lab_result *lab, const report_finding_parts *p)
{
    if (!p->nplaces)
        return;
    bool ordered = false;
    for (size_t i = 0; i < p->nplaces; i++)
        ordered = ordered || p->places[i].earlier;
    int height = TL_TOP + (int)p->nplaces * TL_LANE;
    sb_printf(sb,
              "<figure class=\"timeline\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
              "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">\n"
              "<title>The threads of this problem, from where each was started to its "
              "access</title>\n",
              TL_WIDTH, height, TL_WIDTH, height);
    int axis = height - 12;
    sb_printf(sb,
              "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
              "<text class=\"small\" x=\"%d\" y=\"%d\" text-anchor=\"end\">time →</text>\n",
              TL_START, axis, TL_WIDTH - 10, axis, TL_WIDTH - 10, axis - 4);
    for (size_t i = 0; i < p->nplaces; i++) {
        const report_place *pl = &p->places[i];
        int y = TL_TOP - 8 + (int)i * TL_LANE, x = access_x(pl, ordered);
        sb_printf(sb, "<g class=\"lane\">\n<text x=\"6\" y=\"%d\">", y + 4);
        put_lane_name(sb, pl->thread);
        sb_printf(sb, "</text>\n<line class=\"run\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n",
                  TL_START, y, x, y);
        sb_printf(sb, "<circle class=\"start\" cx=\"%d\" cy=\"%d\" r=\"5\"/>\n", TL_START, y);
        sb_printf(sb, "<text class=\"small\" x=\"%d\" y=\"%d\">", TL_START - 4, y - 10);
        if (pl->started)
            report_html_put_short(sb, pl->started, 2 * LABEL_CHARS);
        else
            sb_append(sb, pl->thread == 0 ? "the main thread" : "started: not reported");
        sb_append(sb, "</text>\n");
        sb_printf(sb,
                  "<rect class=\"access\" x=\"%d\" y=\"%d\" width=\"12\" height=\"12\">"
                  "<title>",
                  x - 6, y - 6);
        report_html_put(sb, pl->says, 1000);
        sb_append(sb, "</title></rect>\n");
        sb_printf(sb, "<text class=\"code\" x=\"%d\" y=\"%d\">", x - 6, y + 22);
        put_access_label(sb, lab, pl);
        sb_append(sb, "</text>\n</g>\n");
    }
    /* join the accesses nothing ordered: the earlier one to each later one */
    for (size_t i = 0; ordered && i < p->nplaces; i++)
        for (size_t j = 0; j < p->nplaces; j++)
            if (p->places[i].earlier && !p->places[j].earlier)
                sb_printf(sb, "<line class=\"link\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n",
                          TL_EARLY + 6, TL_TOP - 8 + (int)i * TL_LANE, TL_LATE - 6,
                          TL_TOP - 8 + (int)j * TL_LANE);
    sb_printf(sb, "</svg>\n<figcaption>%s</figcaption>\n</figure>\n",
              ordered ? "Each lane is a thread, from where it was started to its access. The "
                        "access further left came first in this run, but nothing in the code "
                        "ordered the two: another run can swap them."
                      : "Each lane is a thread taking a lock while it holds another. Nothing "
                        "orders the lanes: when they overlap, each waits for the other "
                        "forever.");
}

/* ---- outcomes ---- */

/* A test's name as shown: "hidden test NAME" for a hidden one. */
static void put_test_name(strbuf *sb, const report_outcome *o, size_t max)
{
    strbuf name;
    sb_init(&name);
    sb_printf(&name, "%s%s", o->hidden ? "hidden test " : "", o->name);
    report_html_put_short(sb, name.data, max);
    sb_free(&name);
}

/* One part of a bar: `runs` of `total` runs, from *x on; advances *x. */
static void put_segment(strbuf *sb, double *x, int y, unsigned runs, size_t total, const char *cls,
                        const char *title)
{
    if (!runs)
        return;
    double w = (double)runs * OC_BAR_WIDTH / (double)total;
    sb_printf(sb, "<rect class=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"><title>",
              cls, *x, y, w, OC_ROW - 8);
    report_html_put(sb, title, 1000);
    sb_append(sb, "</title></rect>\n");
    *x += w;
}

static const char *runs_word(unsigned n)
{
    return n == 1 ? "run" : "runs";
}

/* One test's bar and counts. */
static void put_bar(strbuf *sb, const lab_result *lab, const report_outcome *o, int y)
{
    sb_printf(sb, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", OC_NAME, y + 12);
    put_test_name(sb, o, 34);
    sb_append(sb, "</text>\n");
    double x = OC_BAR;
    char *title = xasprintf("passed in %u %s", o->passed, runs_word(o->passed));
    put_segment(sb, &x, y, o->passed, lab->ntrials, "bar-pass", title);
    free(title);
    for (size_t g = 0; g < o->ngroups; g++) {
        const report_outcome_group *gr = &o->groups[g];
        char *message = gr->message ? report_outcome_message(gr->message) : NULL;
        title = message ? xasprintf("%s in %u %s", message, gr->runs, runs_word(gr->runs))
                        : xasprintf("failed in %u %s (a hidden test's messages stay private)",
                                    gr->runs, runs_word(gr->runs));
        char cls[16];
        snprintf(cls, sizeof cls, "bar-f%zu", g % OC_SHADES);
        put_segment(sb, &x, y, gr->runs, lab->ntrials, cls, title);
        free(title);
        free(message);
    }
    title = xasprintf("no result in %u %s (its program did not finish)", o->missing,
                      runs_word(o->missing));
    put_segment(sb, &x, y, o->missing, lab->ntrials, "bar-none", title);
    free(title);
    sb_printf(sb, "<text x=\"%d\" y=\"%d\">%u/%zu passed</text>\n", OC_BAR + OC_BAR_WIDTH + 10,
              y + 12, o->passed, lab->ntrials);
}

/* A colour key for the legend. */
static void put_key(strbuf *sb, const char *cls)
{
    sb_printf(sb,
              "<svg class=\"key\" xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" "
              "height=\"10\" viewBox=\"0 0 10 10\"><rect class=\"%s\" width=\"10\" "
              "height=\"10\"/></svg>",
              cls);
}

/* The legend of one test that failed: each message with its colour. */
static void put_legend(strbuf *sb, const lab_result *lab, const report_outcome *o)
{
    sb_append(sb, "<li><b>");
    put_test_name(sb, o, 200);
    sb_printf(sb, "</b>: passed in %u of %zu %s", o->passed, lab->ntrials,
              runs_word((unsigned)lab->ntrials));
    if (o->failed || o->missing) {
        const trial_result *t = &lab->trials[o->first_failed];
        sb_printf(sb, "; first failed in run %d (seed %u)", t->index + 1, t->seed);
    }
    sb_append(sb, "\n<ul>\n");
    size_t shown = o->ngroups < OC_LEGEND_MAX ? o->ngroups : OC_LEGEND_MAX;
    for (size_t g = 0; g < shown; g++) {
        const report_outcome_group *gr = &o->groups[g];
        char cls[16];
        snprintf(cls, sizeof cls, "bar-f%zu", g % OC_SHADES);
        sb_append(sb, "<li>");
        put_key(sb, cls);
        sb_printf(sb, "in %u %s: ", gr->runs, runs_word(gr->runs));
        if (gr->message) {
            char *message = report_outcome_message(gr->message);
            report_html_put_words(sb, message);
            free(message);
        } else {
            sb_append(sb, "failed (a hidden test's messages stay private)");
        }
        sb_append(sb, "</li>\n");
    }
    if (o->ngroups > shown) {
        unsigned rest = 0;
        for (size_t g = shown; g < o->ngroups; g++)
            rest += o->groups[g].runs;
        sb_printf(sb, "<li>in %u more %s: %zu other messages</li>\n", rest, runs_word(rest),
                  o->ngroups - shown);
    }
    if (o->missing) {
        sb_append(sb, "<li>");
        put_key(sb, "bar-none");
        sb_printf(sb, "no result in %u %s (its program did not finish)</li>\n", o->missing,
                  runs_word(o->missing));
    }
    sb_append(sb, "</ul></li>\n");
}

void report_html_outcomes(strbuf *sb, const lab_result *lab, const lab_check *k)
{
    size_t n = 0;
    report_outcome *o = lab->ntrials ? report_outcomes(lab, k, &n) : NULL;
    if (!n) {
        report_outcomes_free(o, n);
        return;
    }
    size_t rows = n < OC_ROWS_MAX ? n : OC_ROWS_MAX;
    int height = (int)rows * OC_ROW + 8;
    sb_printf(sb,
              "<figure class=\"outcomes\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
              "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">\n"
              "<title>How each test fared over the %zu %s</title>\n",
              OC_WIDTH, height, OC_WIDTH, height, lab->ntrials, runs_word((unsigned)lab->ntrials));
    for (size_t i = 0; i < rows; i++)
        put_bar(sb, lab, &o[i], 4 + (int)i * OC_ROW);
    sb_append(sb, "</svg>\n");
    sb_printf(sb,
              "<figcaption>How each test fared over the %zu %s: green, the runs it passed; "
              "each other colour, one way it failed",
              lab->ntrials, runs_word((unsigned)lab->ntrials));
    if (n > rows)
        sb_printf(sb, " (%zu more tests not drawn)", n - rows);
    sb_append(sb, ".</figcaption>\n");
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (!o[i].failed && !o[i].missing)
            continue;
        if (!any)
            sb_append(sb, "<ul class=\"legend\">\n");
        any = true;
        put_legend(sb, lab, &o[i]);
    }
    if (any)
        sb_append(sb, "</ul>\n");
    sb_append(sb, "</figure>\n");
    report_outcomes_free(o, n);
}
