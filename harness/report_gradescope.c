/*
 * report_gradescope.c - Gradescope's results.json: top-level score,
 * execution_time, output, output_format, stdout_visibility and one entry in
 * tests[] per check of every lab (name, number, score, max_score, status,
 * output, output_format, visibility, tags). A lab that did not build or was
 * not submitted still lists every check, scored 0, with the reason.
 */
#include "report.h"

#include "util.h"

#include <jansson.h>
#include <math.h>

#define GRADESCOPE_OUTPUT_CAP (48 * 1024)

static json_t *gtext(const char *s)
{
    char *clean = report_clean_text(s ? s : "", GRADESCOPE_OUTPUT_CAP);
    json_t *j = json_string(clean);
    free(clean);
    return j ? j : json_string("");
}

static json_t *check_entry(const lab_result *lab, size_t lab_no, size_t i)
{
    const check_result *c = &lab->checks[i];
    const lab_check *k = &lab->lab.checks[i];
    strbuf out;
    sb_init(&out);
    if (lab->state != LAB_GRADED && lab->message)
        sb_printf(&out, "%s\n", lab->message);
    if (lab->state == LAB_BUILD_FAILED && i == 0 && lab->build_log)
        sb_printf(&out, "\n%s\n", lab->build_log);
    if (lab->state == LAB_GRADED)
        report_describe_check(&out, lab, i);
    char *name = xasprintf("%s: %s", lab->lab.id, k->title ? k->title : k->id);
    char *number = xasprintf("%zu.%zu", lab_no + 1, i + 1);
    json_t *e = json_pack("{s:o, s:s, s:f, s:f, s:s, s:o, s:s, s:s, s:[o, s]}", "name", gtext(name),
                          "number", number, "score", c->score, "max_score", k->points, "status",
                          c->passed ? "passed" : "failed", "output", gtext(out.data),
                          "output_format", "text", "visibility", "visible", "tags",
                          gtext(lab->lab.id), check_kind_name(k->kind));
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
                  "stdout_visibility", "visible", "tests", tests);
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
