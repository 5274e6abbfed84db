/*
 * report.c - what every report writer shares: format names, sums, text
 * cleaning and picking the student's frame of a stack (see report.h).
 */
#include "report.h"

#include "report_autolab.h"
#include "report_html.h"
#include "report_junit.h"
#include "report_prairielearn.h"
#include "util.h"

#include <string.h>

bool report_format_parse(const char *name, report_format *out)
{
    static const struct {
        const char *name;
        report_format f;
    } names[] = {
        {"text", REPORT_TEXT},       {"json", REPORT_JSON},   {"gradescope", REPORT_GRADESCOPE},
        {"autolab", REPORT_AUTOLAB}, {"junit", REPORT_JUNIT}, {"prairielearn", REPORT_PRAIRIELEARN},
        {"html", REPORT_HTML}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].name) == 0) {
            *out = names[i].f;
            return true;
        }
    return false;
}

rl_status report_write(const report *r, report_format format, FILE *out, rl_err *err)
{
    switch (format) {
    case REPORT_TEXT:
        return report_write_text(r, out, err);
    case REPORT_JSON:
        return report_write_json(r, out, err);
    case REPORT_GRADESCOPE:
        return report_write_gradescope(r, out, err);
    case REPORT_AUTOLAB:
        return report_write_autolab(r, out, err);
    case REPORT_JUNIT:
        return report_write_junit(r, out, err);
    case REPORT_PRAIRIELEARN:
        return report_write_prairielearn(r, out, err);
    case REPORT_HTML:
        return report_write_html(r, out, err);
    }
    return rl_fail(err, RL_ERR_INTERNAL, "unknown report format");
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when invalid. */
static size_t utf8_length(const unsigned char *s, size_t left)
{
    size_t n;
    if (s[0] < 0x80)
        return 1;
    else if ((s[0] & 0xE0) == 0xC0 && s[0] >= 0xC2)
        n = 2;
    else if ((s[0] & 0xF0) == 0xE0)
        n = 3;
    else if ((s[0] & 0xF8) == 0xF0 && s[0] <= 0xF4)
        n = 4;
    else
        return 0;
    if (n > left)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if (n == 3 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0)))
        return 0; /* overlong or surrogate */
    if (n == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90)))
        return 0;
    return n;
}

char *report_clean_text(const char *s, size_t cap)
{
    static const char marker[] = "\n[... cut by racelab]";
    strbuf sb;
    sb_init(&sb);
    if (!s)
        return sb_take(&sb);
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s);
    while (left) {
        size_t n = utf8_length(p, left);
        if (sb.len + (n ? n : 3) > cap) {
            sb_append(&sb, marker);
            break;
        }
        if (n == 0) {
            sb_append(&sb, "\xEF\xBF\xBD"); /* U+FFFD */
            n = 1;
        } else if (n == 1 && ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7F)) {
            sb_append(&sb, "?");
        } else {
            sb_appendn(&sb, (const char *)p, n);
        }
        p += n;
        left -= n;
    }
    return sb_take(&sb);
}

double report_score(const report *r)
{
    double s = 0;
    for (size_t i = 0; i < r->nlabs; i++)
        s += r->labs[i].score;
    return s;
}

double report_max_score(const report *r)
{
    double s = 0;
    for (size_t i = 0; i < r->nlabs; i++)
        s += r->labs[i].max_score;
    return s;
}

const char *report_state_name(lab_state s)
{
    switch (s) {
    case LAB_GRADED:
        return "graded";
    case LAB_NOT_SUBMITTED:
        return "not-submitted";
    case LAB_BUILD_FAILED:
        return "build-failed";
    case LAB_ERROR:
        return "error";
    }
    return "error";
}

static bool is_student_file(const char *file, void *ctx)
{
    const lab_result *lab = ctx;
    return file && strlist_contains(&lab->lab.student_files, file);
}

const tsan_frame *report_student_frame(const lab_result *lab, const tsan_access *a)
{
    const tsan_frame *f = tsan_stack_first(&a->stack, is_student_file, (void *)lab);
    return f ? f : tsan_stack_first(&a->stack, NULL, NULL);
}
