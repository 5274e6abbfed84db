/*
 * report_junit.c - JUnit XML (see report_junit.h) in the shape of the
 * "junit-10" schema that Jenkins' xUnit plugin and GitLab read, kept within
 * the stricter JUnit 4 schema too (at most one failure or error per
 * testcase, elements in its order):
 *
 *   <testsuites name="racelab" tests failures errors time>
 *     <testsuite name=LAB tests failures errors skipped="0" time>
 *       <properties> title, state, score, max_score, runs </properties>
 *       <testcase classname=LAB name=CHECK time>
 *         <failure message=SUMMARY type=KIND>the check's feedback</failure>
 *         <error message=REASON type=STATE>reason, compiler messages</error>
 *         <system-out>title, score and summary</system-out>
 *       </testcase>
 *       <system-out>the lab's text report and the run's notes</system-out>
 *     </testsuite>
 *   </testsuites>
 *
 * A failed check gets <failure>; every check of a lab that could not be
 * graded (files missing, code that did not compile, grader error) gets
 * <error>, so CI tells "wrong" from "could not run". racelab judges every
 * check, so nothing is ever skipped. A testcase's time is the lab's time
 * shared equally among its checks: every check is judged over the same
 * runs, and this split keeps the suite's sum right.
 *
 * Written with libxml2's xmlTextWriter, which escapes markup; text is also
 * cleaned (report_clean_text, then U+FFFE and U+FFFF, which XML 1.0
 * forbids, replaced) and capped, so no student output can break the file.
 */
#include "report_junit.h"

#include "util.h"

#include <libxml/xmlwriter.h>
#include <stdarg.h>
#include <string.h>

#define JUNIT_TEXT_CAP (32 * 1024) /* bytes of one element's text */
#define JUNIT_ATTR_CAP 500         /* bytes of one attribute */

typedef struct {
    xmlTextWriterPtr w;
    bool failed; /* a libxml2 call failed (no memory) */
} writer;

/* s cleaned for XML 1.0 and capped (new string); with one_line, line
 * breaks and tabs become spaces, as attribute values want. */
static char *xml_text(const char *s, size_t cap, bool one_line)
{
    char *t = report_clean_text(s ? s : "", cap);
    for (unsigned char *p = (unsigned char *)t; *p; p++) {
        if (p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF))
            p[2] = 0xBD; /* U+FFFE, U+FFFF -> U+FFFD */
        else if (one_line && (*p == '\n' || *p == '\t'))
            *p = ' ';
    }
    return t;
}

/* Records a failed libxml2 call (rc < 0); the document is then dropped. */
static void check(writer *w, int rc)
{
    if (rc < 0)
        w->failed = true;
}

static void start(writer *w, const char *name)
{
    check(w, xmlTextWriterStartElement(w->w, BAD_CAST name));
}

static void end(writer *w)
{
    check(w, xmlTextWriterEndElement(w->w));
}

static void attr(writer *w, const char *name, const char *value)
{
    char *clean = xml_text(value, JUNIT_ATTR_CAP, true);
    check(w, xmlTextWriterWriteAttribute(w->w, BAD_CAST name, BAD_CAST clean));
    free(clean);
}

static void attrf(writer *w, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void attrf(writer *w, const char *name, const char *fmt, ...)
{
    char buf[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    attr(w, name, buf);
}

/* <name>text</name>, the text cleaned and capped. */
static void element(writer *w, const char *name, const char *text)
{
    char *clean = xml_text(text, JUNIT_TEXT_CAP, false);
    start(w, name);
    check(w, xmlTextWriterWriteString(w->w, BAD_CAST clean));
    end(w);
    free(clean);
}

static void property(writer *w, const char *name, const char *value)
{
    start(w, "property");
    attr(w, "name", name);
    attr(w, "value", value);
    end(w);
}

/* One check: its testcase, with a failure or an error when it lost points. */
static void write_case(writer *w, const lab_result *lab, size_t i, double seconds)
{
    const check_result *c = &lab->checks[i];
    const lab_check *k = &lab->lab.checks[i];
    const char *title = k->title ? k->title : k->id;
    start(w, "testcase");
    attr(w, "classname", lab->lab.id);
    attr(w, "name", k->id);
    attrf(w, "time", "%.3f", seconds);
    strbuf body;
    sb_init(&body);
    sb_printf(&body, "%s\n\n", title);
    report_check_feedback(&body, lab, i);
    if (lab->state != LAB_GRADED || !c->passed) {
        bool error = lab->state != LAB_GRADED;
        start(w, error ? "error" : "failure");
        attr(w, "message", error ? lab->message : c->summary);
        attr(w, "type", error ? report_state_name(lab->state) : check_kind_name(k->kind));
        char *clean = xml_text(body.data, JUNIT_TEXT_CAP, false);
        check(w, xmlTextWriterWriteString(w->w, BAD_CAST clean));
        free(clean);
        end(w);
    }
    sb_free(&body);
    char *line =
        xasprintf("%s: %g/%g - %s", title, c->score, k->points, c->summary ? c->summary : "");
    element(w, "system-out", line);
    free(line);
    end(w);
}

/* One lab: its counts, properties, a testcase per check and its text report. */
static void write_suite(writer *w, const report *r, const lab_result *lab)
{
    size_t failures = 0, errors = 0, n = lab->lab.nchecks;
    for (size_t i = 0; i < n; i++) {
        if (lab->state != LAB_GRADED)
            errors++;
        else if (!lab->checks[i].passed)
            failures++;
    }
    start(w, "testsuite");
    attr(w, "name", lab->lab.id);
    attrf(w, "tests", "%zu", n);
    attrf(w, "failures", "%zu", failures);
    attrf(w, "errors", "%zu", errors);
    attr(w, "skipped", "0");
    attrf(w, "time", "%.3f", lab->seconds);
    start(w, "properties");
    property(w, "title", lab->lab.title ? lab->lab.title : lab->lab.id);
    property(w, "state", report_state_name(lab->state));
    char num[64];
    snprintf(num, sizeof num, "%g", lab->score);
    property(w, "score", num);
    snprintf(num, sizeof num, "%g", lab->max_score);
    property(w, "max_score", num);
    snprintf(num, sizeof num, "%zu", lab->ntrials);
    property(w, "runs", num);
    end(w);
    for (size_t i = 0; i < n; i++)
        write_case(w, lab, i, n ? lab->seconds / (double)n : 0);
    strbuf out;
    sb_init(&out);
    char *text = report_text_lab_string(lab, r->verbose);
    sb_append(&out, text);
    free(text);
    for (size_t i = 0; i < r->notes.n; i++)
        sb_printf(&out, "note: %s\n", r->notes.items[i]);
    element(w, "system-out", out.data);
    sb_free(&out);
    end(w);
}

rl_status report_write_junit(const report *r, FILE *out, rl_err *err)
{
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr tw = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
    if (!tw) {
        if (buf)
            xmlBufferFree(buf);
        return rl_fail(err, RL_ERR_NOMEM, "could not start the JUnit report");
    }
    writer w = {tw, false};
    check(&w, xmlTextWriterSetIndent(tw, 1));
    check(&w, xmlTextWriterSetIndentString(tw, BAD_CAST "  "));
    check(&w, xmlTextWriterStartDocument(tw, NULL, "UTF-8", NULL));
    size_t tests = 0, failures = 0, errors = 0;
    for (size_t l = 0; l < r->nlabs; l++)
        for (size_t i = 0; i < r->labs[l].lab.nchecks; i++) {
            tests++;
            if (r->labs[l].state != LAB_GRADED)
                errors++;
            else if (!r->labs[l].checks[i].passed)
                failures++;
        }
    start(&w, "testsuites");
    attr(&w, "name", "racelab");
    attrf(&w, "tests", "%zu", tests);
    attrf(&w, "failures", "%zu", failures);
    attrf(&w, "errors", "%zu", errors);
    attrf(&w, "time", "%.3f", r->seconds);
    for (size_t l = 0; l < r->nlabs; l++)
        write_suite(&w, r, &r->labs[l]);
    end(&w);
    check(&w, xmlTextWriterEndDocument(tw));
    xmlFreeTextWriter(tw); /* flushes into buf */
    rl_status st = RL_OK;
    if (w.failed)
        st = rl_fail(err, RL_ERR_INTERNAL, "could not build the JUnit report");
    else if (fwrite(xmlBufferContent(buf), 1, (size_t)xmlBufferLength(buf), out) !=
                 (size_t)xmlBufferLength(buf) ||
             ferror(out))
        st = rl_fail(err, RL_ERR_IO, "could not write the JUnit report");
    xmlBufferFree(buf);
    return st;
}
