/*
 * report_prairielearn.c - PrairieLearn's results.json (see
 * report_prairielearn.h):
 *
 *   {gradable, score, message, output,
 *    tests[{name, description, points, max_points, message, output}],
 *    format_errors[]}               (format_errors only when not gradable)
 *
 * gradable is false when any lab of the run could not be graded at all:
 * the student's files were not found (or the archive was refused), the
 * code did not compile, or the grader itself failed. PrairieLearn then
 * awards and takes no points and does not count the attempt, which is what
 * its documentation asks for input that "has a syntax error that prevented
 * compilation", and what its own C grader does on a compile error: the
 * student fixes the file and submits again. A submission that compiles is
 * gradable whatever happens when it runs (crashes, hangs and races score
 * 0 on the checks they break). format_errors then holds each reason, with
 * the compiler's messages.
 *
 * score is the points earned over the points available, in [0, 1] (0 when
 * not gradable). One test per check, named "LAB: title"; its message is the
 * one-line verdict and its output the feedback `racelab check` prints. The
 * top-level output is the whole text report.
 *
 * PrairieLearn refuses result files over 1 MB: every text is cleaned and
 * capped, the tests' outputs sharing one budget, and the file is written as
 * UTF-8 (not \u escapes) so a character costs what it weighs.
 */
#include "report_prairielearn.h"

#include "util.h"

#include <jansson.h>
#include <string.h>

#define PL_TESTS_BUDGET (320 * 1024) /* bytes of all tests' outputs together */
#define PL_TEST_CAP (16 * 1024)      /* bytes of one test's output at most */
#define PL_TEST_MIN (2 * 1024)       /* ... and at least */
#define PL_OUTPUT_CAP (64 * 1024)    /* the whole text report */
#define PL_ERRORS_CAP (64 * 1024)    /* all format errors together */
#define PL_LINE_CAP 1000             /* a message */

/* A JSON string of any text, cleaned and capped. */
static json_t *pltext(const char *s, size_t cap)
{
    char *clean = report_clean_text(s ? s : "", cap);
    json_t *j = json_string(clean);
    free(clean);
    return j ? j : json_string("");
}

/* One check as a test, its output capped at cap bytes. */
static json_t *test_entry(const lab_result *lab, size_t i, size_t cap)
{
    const check_result *c = &lab->checks[i];
    const lab_check *k = &lab->lab.checks[i];
    strbuf out;
    sb_init(&out);
    report_check_feedback(&out, lab, i);
    char *name = xasprintf("%s: %s", lab->lab.id, k->title ? k->title : k->id);
    char *description =
        xasprintf("check %s (%s) of lab %s", k->id, check_kind_name(k->kind), lab->lab.id);
    const char *message = lab->state == LAB_GRADED ? c->summary : lab->message;
    json_t *e = json_pack("{s:o, s:o, s:f, s:f, s:o, s:o}", "name", pltext(name, PL_LINE_CAP),
                          "description", pltext(description, PL_LINE_CAP), "points", c->score,
                          "max_points", k->points, "message", pltext(message, PL_LINE_CAP),
                          "output", pltext(out.data, cap));
    free(name);
    free(description);
    sb_free(&out);
    return e;
}

/* Appends why lab was not graded, "LAB: reason" (messages about missing
 * files name the lab already). */
static void reason(strbuf *sb, const lab_result *lab)
{
    const char *msg = lab->message ? lab->message : report_state_name(lab->state);
    size_t n = strlen(lab->lab.id);
    if (strncmp(msg, lab->lab.id, n) == 0 && msg[n] == ':')
        sb_append(sb, msg);
    else
        sb_printf(sb, "%s: %s", lab->lab.id, msg);
}

/* Why lab could not be graded, as one format error (new string). */
static char *format_error(const lab_result *lab)
{
    strbuf sb;
    sb_init(&sb);
    reason(&sb, lab);
    if (lab->state == LAB_BUILD_FAILED && lab->build_log && *lab->build_log)
        sb_printf(&sb, "\n%s", lab->build_log);
    return sb_take(&sb);
}

rl_status report_write_prairielearn(const report *r, FILE *out, rl_err *err)
{
    size_t ntests = 0, unusable = 0;
    for (size_t l = 0; l < r->nlabs; l++) {
        ntests += r->labs[l].lab.nchecks;
        unusable += r->labs[l].state != LAB_GRADED;
    }
    size_t cap = ntests ? PL_TESTS_BUDGET / ntests : PL_TEST_CAP;
    cap = cap > PL_TEST_CAP ? PL_TEST_CAP : cap < PL_TEST_MIN ? PL_TEST_MIN : cap;
    bool gradable = r->nlabs > 0 && unusable == 0;
    json_t *tests = json_array(), *errors = json_array();
    strbuf message;
    sb_init(&message);
    if (!gradable)
        sb_append(&message, "Not graded, and this attempt does not count. ");
    for (size_t l = 0, shown = 0; l < r->nlabs; l++) {
        const lab_result *lab = &r->labs[l];
        for (size_t i = 0; i < lab->lab.nchecks; i++)
            json_array_append_new(tests, test_entry(lab, i, cap));
        if (lab->state != LAB_GRADED) {
            char *e = format_error(lab);
            json_array_append_new(errors, pltext(e, PL_ERRORS_CAP / unusable));
            free(e);
        }
        if (gradable) /* the scores; else the reasons */
            sb_printf(&message, "%s%s: %g/%g", shown++ ? "; " : "", lab->lab.id, lab->score,
                      lab->max_score);
        else if (lab->state != LAB_GRADED) {
            sb_append(&message, shown++ ? "; " : "");
            reason(&message, lab);
        }
    }
    if (r->nlabs == 0) {
        sb_append(&message, "racelab found no lab to grade");
        json_array_append_new(errors, json_string("racelab found no lab to grade"));
    }
    double max = report_max_score(r), score = 0;
    if (gradable)
        score = max > 0 ? report_score(r) / max : 1;
    score = score < 0 ? 0 : score > 1 ? 1 : score;
    char *text = report_text_string(r);
    json_t *root = json_pack("{s:b, s:f, s:o, s:o, s:o}", "gradable", gradable, "score", score,
                             "message", pltext(message.data, PL_LINE_CAP), "output",
                             pltext(text, PL_OUTPUT_CAP), "tests", tests);
    free(text);
    sb_free(&message);
    if (root && !gradable)
        json_object_set_new(root, "format_errors", errors);
    else
        json_decref(errors);
    if (!root)
        return rl_fail(err, RL_ERR_INTERNAL, "could not build the PrairieLearn report");
    int rc = json_dumpf(root, out, JSON_INDENT(2));
    json_decref(root);
    fputc('\n', out);
    if (rc != 0 || ferror(out))
        return rl_fail(err, RL_ERR_IO, "could not write the PrairieLearn report");
    return RL_OK;
}
