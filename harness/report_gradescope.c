/*
 * report_gradescope.c - Gradescope's results.json: top-level score,
 * execution_time, output, output_format, stdout_visibility and one entry in
 * tests[] per check of every lab (name, number, score, max_score, status,
 * output, output_format, visibility, tags, extra_data). A lab that did not
 * build or was not submitted still lists every check, scored 0, with the
 * reason.
 *
 * A check's output is Markdown (output_format "md"): the verdict in bold,
 * what went wrong and each problem's places in code blocks, then the hint.
 * Text that may come from a student (test messages, compiler output, names
 * from ThreadSanitizer's log) is cleaned and put in code blocks whose fence
 * is longer than any run of backticks inside it; the few lines of prose
 * (racelab's summaries, the lab's message and hint) have their Markdown
 * punctuation escaped. A submission cannot add links, images, headings or
 * HTML to the page Gradescope shows.
 *
 * Visibility: a check judged by hidden tests alone (every test result it
 * read came from a hidden test program) is one of the lab's hidden tests
 * and gets the lab's hidden_visibility (lab.ini; after_published unless the
 * lab says otherwise). Every other check is visible: its feedback never
 * shows a hidden test's code or messages. When racelab cannot tell (the lab
 * did not build, a visible test program reported nothing), the check is
 * visible. The top-level output stays plain text; stdout_visibility is
 * "hidden" because everything a student needs is in the results, while the
 * autograder's stdout is the instructor's log.
 */
#include "report.h"
#include "report_hang.h"

#include "util.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

#define GRADESCOPE_OUTPUT_CAP (48 * 1024) /* bytes of one output field */
#define GRADESCOPE_LOG_CAP (16 * 1024)    /* bytes of compiler messages shown */
#define GRADESCOPE_TEXT_CAP 4000          /* bytes of one paragraph or code block */
#define GRADESCOPE_PROBLEMS 10            /* findings described under one check */

static json_t *gtext(const char *s)
{
    char *clean = report_clean_text(s ? s : "", GRADESCOPE_OUTPUT_CAP);
    json_t *j = json_string(clean);
    free(clean);
    return j ? j : json_string("");
}

/* Appends s as Markdown text: cleaned, every punctuation mark Markdown
 * gives a meaning escaped, each line break a hard break. */
static void md_text(strbuf *sb, const char *s)
{
    static const char special[] = "\\`*_{}[]()<>#+-.!|~&=";
    char *clean = report_clean_text(s ? s : "", GRADESCOPE_TEXT_CAP);
    for (const char *p = clean; *p; p++) {
        if (*p == '\n') {
            sb_append(sb, "  \n");
            continue;
        }
        if (strchr(special, *p))
            sb_append(sb, "\\");
        sb_appendn(sb, p, 1);
    }
    free(clean);
}

/* Appends s as a fenced code block (nothing when s is empty). The fence is
 * one backtick longer than the longest run of backticks in s, so nothing in
 * s can close it. */
static void md_code(strbuf *sb, const char *s, size_t cap)
{
    char *clean = report_clean_text(s ? s : "", cap);
    size_t run = 0, longest = 0, len = strlen(clean);
    for (size_t i = 0; i < len; i++) {
        run = clean[i] == '`' ? run + 1 : 0;
        longest = run > longest ? run : longest;
    }
    if (len) {
        size_t n = longest < 3 ? 3 : longest + 1;
        char *fence = xmalloc(n + 1);
        memset(fence, '`', n);
        fence[n] = '\0';
        sb_printf(sb, "%stext\n%s%s%s\n\n", fence, clean, clean[len - 1] == '\n' ? "" : "\n",
                  fence);
        free(fence);
    }
    free(clean);
}

/* The findings a race-free check counts, each in a code block (what
 * happened, both places, threads and locks): names in a finding come from
 * ThreadSanitizer's log, which the student's process writes. */
static void md_problems(strbuf *sb, const lab_result *lab, const lab_check *k)
{
    unsigned shown = 0, more = 0;
    for (size_t i = 0; i < lab->findings.n; i++) {
        if (!score_check_counts(k, &lab->findings.items[i]))
            continue;
        if (shown == GRADESCOPE_PROBLEMS) {
            more++;
            continue;
        }
        strbuf f;
        sb_init(&f);
        report_describe_finding(&f, lab, i);
        sb_printf(sb, "**Problem %u**\n\n", ++shown);
        md_code(sb, f.data, GRADESCOPE_TEXT_CAP);
        sb_free(&f);
    }
    if (more)
        sb_printf(sb, "... and %u more problems of the same kind.\n\n", more);
}

/* A check's feedback in Markdown, in any lab state. */
static void md_check(strbuf *sb, const lab_result *lab, size_t i)
{
    const check_result *c = &lab->checks[i];
    const lab_check *k = &lab->lab.checks[i];
    if (lab->state != LAB_GRADED) {
        sb_append(sb, "**Not graded:** ");
        md_text(sb, lab->message ? lab->message : report_state_name(lab->state));
        sb_append(sb, "\n\n");
        if (lab->state == LAB_BUILD_FAILED && i == 0 && lab->build_log)
            md_code(sb, lab->build_log, GRADESCOPE_LOG_CAP);
        return;
    }
    sb_append(sb, c->passed ? "**Passed:** " : "**Failed:** ");
    md_text(sb, c->summary);
    sb_append(sb, "\n\n");
    if (c->passed)
        return;
    if (c->details)
        md_code(sb, c->details, GRADESCOPE_TEXT_CAP);
    if (k->kind == CHECK_RACE_FREE)
        md_problems(sb, lab, k);
    /* a hung test program's threads, under the lab's first failed check */
    size_t first_failed = 0;
    while (first_failed < lab->lab.nchecks && lab->checks[first_failed].passed)
        first_failed++;
    strbuf hang;
    sb_init(&hang);
    if (i == first_failed && report_hang_lab(&hang, lab, 0, false))
        md_code(sb, hang.data, GRADESCOPE_TEXT_CAP);
    sb_free(&hang);
    if (k->hint) {
        sb_append(sb, "**Hint:** ");
        md_text(sb, k->hint);
        sb_append(sb, "\n");
    }
}

static bool covers(const lab_check *k, const char *test)
{
    for (size_t i = 0; i < k->tests.n; i++)
        if (name_matches(k->tests.items[i], test))
            return true;
    return k->tests.n == 0;
}

/* True when check i read test results, all of them from hidden test
 * programs (see the top of the file). */
static bool check_is_hidden(const lab_result *lab, size_t i)
{
    const lab_check *k = &lab->lab.checks[i];
    if (lab->state != LAB_GRADED || k->kind != CHECK_TESTS)
        return false;
    bool hidden = false;
    for (size_t t = 0; t < lab->ntrials; t++)
        for (size_t r = 0; r < lab->trials[t].nruns; r++) {
            const program_run *run = &lab->trials[t].runs[r];
            if (!run->hidden && !run->have_results)
                return false; /* its tests are unknown */
            for (size_t j = 0; j < run->tests.n; j++)
                if (covers(k, run->tests.items[j].name)) {
                    if (!run->hidden)
                        return false;
                    hidden = true;
                }
        }
    return hidden;
}

static json_t *check_entry(const lab_result *lab, size_t lab_no, size_t i)
{
    const check_result *c = &lab->checks[i];
    const lab_check *k = &lab->lab.checks[i];
    bool hidden = check_is_hidden(lab, i);
    const char *visibility = "visible";
    if (hidden)
        visibility =
            lab->lab.hidden_visibility ? lab->lab.hidden_visibility : manifest_visibilities[0];
    strbuf out;
    sb_init(&out);
    md_check(&out, lab, i);
    char *name = xasprintf("%s: %s", lab->lab.id, k->title ? k->title : k->id);
    char *number = xasprintf("%zu.%zu", lab_no + 1, i + 1);
    json_t *tags = json_pack("[o, s]", gtext(lab->lab.id), check_kind_name(k->kind));
    if (hidden)
        json_array_append_new(tags, json_string("hidden-tests"));
    json_t *extra = json_pack("{s:o, s:o, s:s, s:i, s:i, s:f}", "lab", gtext(lab->lab.id), "check",
                              gtext(k->id), "state", report_state_name(lab->state), "runs", c->runs,
                              "failed_runs", c->failed_runs, "lab_seconds", lab->seconds);
    json_t *e =
        json_pack("{s:o, s:s, s:f, s:f, s:s, s:o, s:s, s:s, s:o, s:o}", "name", gtext(name),
                  "number", number, "score", c->score, "max_score", k->points, "status",
                  c->passed ? "passed" : "failed", "output", gtext(out.data), "output_format", "md",
                  "visibility", visibility, "tags", tags, "extra_data", extra);
    free(name);
    free(number);
    sb_free(&out);
    return e;
}

rl_status report_write_gradescope(const report *r, FILE *out, rl_err *err)
{
    json_t *tests = json_array();
    strbuf summary;
    sb_init(&summary);
    for (size_t l = 0; l < r->nlabs; l++) {
        const lab_result *lab = &r->labs[l];
        sb_printf(&summary, "%s: %g/%g%s%s\n", lab->lab.id, lab->score, lab->max_score,
                  lab->message ? " - " : "", lab->message ? lab->message : "");
        for (size_t i = 0; i < lab->notes.n; i++)
            sb_printf(&summary, "  note: %s\n", lab->notes.items[i]);
        for (size_t i = 0; i < lab->lab.nchecks; i++)
            json_array_append_new(tests, check_entry(lab, l, i));
    }
    for (size_t i = 0; i < r->notes.n; i++)
        sb_printf(&summary, "note: %s\n", r->notes.items[i]);
    json_t *root =
        json_pack("{s:f, s:i, s:o, s:s, s:s, s:o}", "score", report_score(r), "execution_time",
                  (int)ceil(r->seconds), "output", gtext(summary.data), "output_format", "text",
                  "stdout_visibility", "hidden", "tests", tests);
    sb_free(&summary);
    if (!root)
        return rl_fail(err, RL_ERR_INTERNAL, "could not build the Gradescope report");
    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_ENSURE_ASCII);
    json_decref(root);
    fputc('\n', out);
    if (rc != 0 || ferror(out))
        return rl_fail(err, RL_ERR_IO, "could not write the Gradescope report");
    return RL_OK;
}
