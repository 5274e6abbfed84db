/*
 * report.h - the report stage: writes a grading run as text for people,
 * racelab's own JSON, or Gradescope's results.json.
 *
 * Every writer prints every check of every lab, scored, whatever state the
 * lab ended in (graded, not submitted, build failed, grader error). Text
 * that came from a student's program or compiler goes through
 * report_clean_text() first: valid UTF-8, no control characters, capped.
 * JSON is produced with jansson, never by hand.
 */
#ifndef RL_REPORT_H
#define RL_REPORT_H

#include "grade.h"
#include "rl.h"
#include "util.h"

#include <stdbool.h>
#include <stdio.h>

typedef enum { REPORT_TEXT, REPORT_JSON, REPORT_GRADESCOPE } report_format;

typedef struct {
    lab_result *labs;
    size_t nlabs;
    const char *submission; /* the graded path, NULL for a working copy */
    const char *toolchain;  /* compiler version line */
    strlist notes;          /* run-wide lines (ASLR off, refused files, ...) */
    double seconds;
    bool color;   /* text: ANSI colours */
    bool verbose; /* text: every finding and run in full */
} report;

/* Parses "text", "json", "gradescope"; false for anything else. */
bool report_format_parse(const char *name, report_format *out);

rl_status report_write(const report *r, report_format format, FILE *out, rl_err *err);

rl_status report_write_text(const report *r, FILE *out, rl_err *err);
rl_status report_write_json(const report *r, FILE *out, rl_err *err);
rl_status report_write_gradescope(const report *r, FILE *out, rl_err *err);

/* A copy of s that is valid UTF-8 with control characters (but \n and \t)
 * replaced, at most cap bytes, ending in a marker when cut. New string. */
char *report_clean_text(const char *s, size_t cap);

/* Sums of the run. */
double report_score(const report *r);
double report_max_score(const report *r);

/* The word for a lab state: "graded", "not-submitted", ... (constant). */
const char *report_state_name(lab_state s);

/* The first frame of a finding's access in a student's file (or any frame
 * with a file), or NULL. */
const tsan_frame *report_student_frame(const lab_result *lab, const tsan_access *a);

/* Shared renderings, used by the text and Gradescope writers. */

/* Appends a plain-text explanation of finding i of lab: what happened, both
 * places at the student's lines with the source line, threads, locks held,
 * how often and under which seed. */
void report_describe_finding(strbuf *sb, const lab_result *lab, size_t i);

/* Appends a check's feedback: its summary, what failed in the first failing
 * runs, the findings it counts (race-free checks) and its hint. */
void report_describe_check(strbuf *sb, const lab_result *lab, size_t check);

#endif
