/*
 * report_html.h - the grading run as one self-contained HTML page
 * (`--format html`, `make report`): a score table, each problem with the
 * two conflicting lines side by side and a timeline of the two threads,
 * the tests' outcomes over the runs as a chart, hints, replay commands and
 * the notes. report_html.c lays out the page, report_html_charts.c draws
 * its two kinds of inline SVG.
 *
 * The page loads nothing: its style and its one small script are inline,
 * and its Content-Security-Policy allows those two (by their SHA-256) and
 * nothing else, so no font, image, script or request can come from
 * anywhere. Everything a student's code or program could have shaped
 * (source lines, names from ThreadSanitizer's logs, test messages, compiler
 * output, paths) goes through report_html_put: cleaned like every other
 * report's text, then escaped for HTML. A hidden test is named, never
 * quoted, as in the text report, whose pieces the page reuses (report.h).
 *
 * Ownership: report_html_escape returns a new string the caller frees; the
 * other functions append to the caller's strbuf or write to out.
 */
#ifndef RL_REPORT_HTML_H
#define RL_REPORT_HTML_H

#include "report.h"

#include <stdio.h>

rl_status report_write_html(const report *r, FILE *out, rl_err *err);

/* Appends s fit for HTML text or a quoted attribute value: cleaned
 * (report_clean_text: valid UTF-8, no control characters but \n and \t,
 * at most cap bytes), then & < > " ' written as character references.
 * NULL appends nothing. */
void report_html_put(strbuf *sb, const char *s, size_t cap);

/* Appends s like report_html_put, with each `quoted` part (the text
 * report quotes code in backticks) as <code>quoted</code>. */
void report_html_put_words(strbuf *sb, const char *s);

/* report_html_put into a new string. */
char *report_html_escape(const char *s, size_t cap);

/* Appends s like report_html_put, shortened to at most max characters
 * (not bytes: a multi-byte character is never cut) with "…" when cut. */
void report_html_put_short(strbuf *sb, const char *s, size_t max);

/* Appends a figure with an inline SVG timeline of a finding's places:
 * one lane per thread, from where it was started to its access, labelled
 * with the student's line. Nothing when p has no places. */
void report_html_timeline(strbuf *sb, const lab_result *lab, const report_finding_parts *p);

/* Appends a figure with an inline SVG bar per test that tests check k
 * covers: the runs it passed beside each distinct failure (a hidden
 * test's only counted), and a legend with the failure messages. Nothing
 * when the lab has no runs or the check covers no test. */
void report_html_outcomes(strbuf *sb, const lab_result *lab, const lab_check *k);

#endif
