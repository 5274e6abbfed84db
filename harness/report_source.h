/*
 * report_source.h - quotes the student's own source in feedback: a line
 * with the lines around it, and the expression at a column (what two
 * threads raced on, where ThreadSanitizer names no variable).
 *
 * Only the files a lab names in student_files are ever read, from where
 * the graded copy is (lab_result.sources: labs/LAB for `check`, the
 * submission for `grade`). A frame in a hidden test, a visible test,
 * racelab's probe or a library is named by the callers, never quoted here.
 *
 * Ownership: report_source_expression and report_source_argument return
 * a new string the caller frees, report_source_lines a new array freed
 * with report_source_lines_free; the other functions append to the
 * caller's strbuf.
 */
#ifndef RL_REPORT_SOURCE_H
#define RL_REPORT_SOURCE_H

#include "grade.h"
#include "util.h"

#include <stdbool.h>

#define SOURCE_FILE_MAX (1024 * 1024) /* a bigger student file is not quoted */
#define SOURCE_LINE_MAX 160           /* bytes of one quoted line */

/* One line of a student's file as feedback quotes it. */
typedef struct {
    int number;  /* 1-based */
    char *text;  /* tabs expanded, trailing spaces dropped, cut, cleaned (owned) */
    bool marked; /* the line a place points at */
} report_source_line;

/* Lines line-around .. line+around of the student's file `file`, as
 * report_source_context quotes them, for a writer that lays them out
 * itself (the HTML page). NULL with *n = 0 when they cannot be quoted
 * (the same rules). Free the array with report_source_lines_free. */
report_source_line *report_source_lines(const lab_result *lab, const char *file, int line,
                                        int around, size_t *n);

void report_source_lines_free(report_source_line *lines, size_t n);

/* Appends lines line-around .. line+around of the student's file `file`,
 * each as "<indent>  NN | text", the line itself marked "<indent>> NN |".
 * Returns false (and appends nothing) when the file is not a student file,
 * cannot be read safely (a link, not a regular file, over SOURCE_FILE_MAX,
 * binary: it holds a NUL byte) or has no such line. */
bool report_source_context(strbuf *sb, const lab_result *lab, const char *file, int line,
                           int around, int indent);

/* The expression at column col of a line of the student's file, as a C
 * programmer would name the memory accessed there: "acct->balance" for a
 * column on `acct->balance += cents`'s `+=` or on `balance`, "slots[3]",
 * "*hits". NULL when the file cannot be quoted or nothing there looks like
 * a variable (a call, a keyword, a column of 0). */
char *report_source_expression(const lab_result *lab, const char *file, int line, int col);

/* The same, from the text of one line (no file involved; for tests). */
char *report_source_expression_in(const char *text, int col);

/* The first argument of the call at column col of a line of the student's
 * file, without a leading '&': "payee->lock" for a column on
 * `pthread_mutex_lock(&payee->lock);`. NULL when there is no call there or
 * the file cannot be quoted. */
char *report_source_argument(const lab_result *lab, const char *file, int line, int col);

/* The same, from the text of one line. */
char *report_source_argument_in(const char *text, int col);

#endif
