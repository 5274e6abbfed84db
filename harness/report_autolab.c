/*
 * report_autolab.c - Autolab's autograder output (see report_autolab.h).
 * Autolab shows everything the autograder prints as the student's feedback
 * and reads the scores from the last line alone, so the output is:
 *
 *   the text report, as `racelab check` prints it (no colours)
 *   {"_presentation": "semantic", "stages": [LAB...],
 *    LAB: {CHECK TITLE: {"passed": true|false, "hint": "..."}}}
 *   {"scores": {LAB: points, ...}}
 *
 * The middle line is Autolab's "formatted feedback": one stage per lab,
 * one test per check; failed checks carry the one-line verdict and the
 * lab's hint. The last line is the autoresult: one score per lab, keyed by
 * the lab id, so the assessment's problems are named after the labs
 * (01-bank, ...). Whole points are written as integers. Both lines are
 * built with jansson and written compact with \u escapes, so no text in
 * them can break a line; the text report above is cleaned. Labs that
 * could not be graded score 0 and say why in their hints.
 */
#include "report_autolab.h"

#include "util.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

#define AUTOLAB_HINT_CAP 2000
#define AUTOLAB_TEXT_CAP (256 * 1024)

static json_t *atext(const char *s, size_t cap)
{
    char *clean = report_clean_text(s ? s : "", cap);
    json_t *j = json_string(clean);
    free(clean);
    return j ? j : json_string("");
}

static json_t *points(double p)
{
    if (p == floor(p) && fabs(p) < 1e15)
        return json_integer((json_int_t)p);
    return json_real(p);
}

/* The key of lab's stage: its id, unless the id is one of the line's own
 * keys (new string, cleaned). */
static char *stage_name(const lab_result *lab)
{
    char *id = report_clean_text(lab->lab.id, 200);
    if (strcmp(id, "_presentation") == 0 || strcmp(id, "stages") == 0) {
        char *name = xasprintf("lab %s", id);
        free(id);
        return name;
    }
    return id;
}

/* One stage: a test per check, keyed by its title (by its id when two
 * checks share a title). */
static json_t *stage(const lab_result *lab)
{
    json_t *tests = json_object();
    for (size_t i = 0; i < lab->lab.nchecks; i++) {
        const check_result *c = &lab->checks[i];
        const lab_check *k = &lab->lab.checks[i];
        char *key = report_clean_text(k->title ? k->title : k->id, 200);
        if (json_object_get(tests, key)) {
            char *both = xasprintf("%s (%s)", key, k->id);
            free(key);
            key = report_clean_text(both, 300);
            free(both);
        }
        bool passed = c->passed && lab->state == LAB_GRADED;
        json_t *t = json_pack("{s:b}", "passed", passed);
        if (!passed) {
            strbuf hint;
            sb_init(&hint);
            sb_printf(&hint, "%g/%g: %s", c->score, k->points,
                      lab->state == LAB_GRADED ? c->summary : lab->message);
            if (lab->state == LAB_GRADED && k->hint)
                sb_printf(&hint, "\n%s", k->hint);
            json_object_set_new(t, "hint", atext(hint.data, AUTOLAB_HINT_CAP));
            sb_free(&hint);
        }
        json_object_set_new(tests, key, t);
        free(key);
    }
    return tests;
}

/* Writes j on one line. */
static int put_line(json_t *j, FILE *out)
{
    int rc = j ? json_dumpf(j, out, JSON_COMPACT | JSON_ENSURE_ASCII) : -1;
    fputc('\n', out);
    return rc;
}

rl_status report_write_autolab(const report *r, FILE *out, rl_err *err)
{
    char *text = report_text_string(r);
    char *clean = report_clean_text(text, AUTOLAB_TEXT_CAP);
    fputs(clean, out);
    if (*clean && clean[strlen(clean) - 1] != '\n')
        fputc('\n', out);
    free(clean);
    free(text);
    json_t *feedback = json_pack("{s:s, s:[]}", "_presentation", "semantic", "stages");
    json_t *scores = json_object();
    for (size_t l = 0; l < r->nlabs; l++) {
        const lab_result *lab = &r->labs[l];
        char *name = stage_name(lab), *id = report_clean_text(lab->lab.id, 200);
        json_array_append_new(json_object_get(feedback, "stages"), json_string(name));
        json_object_set_new(feedback, name, stage(lab));
        json_object_set_new(scores, id, points(lab->score));
        free(name);
        free(id);
    }
    json_t *result = json_pack("{s:o}", "scores", scores);
    int rc = put_line(feedback, out);
    rc |= put_line(result, out);
    json_decref(feedback);
    json_decref(result);
    if (rc != 0 || ferror(out))
        return rl_fail(err, RL_ERR_IO, "could not write the Autolab report");
    return RL_OK;
}
