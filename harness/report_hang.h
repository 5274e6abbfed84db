/*
 * report_hang.h - a hung run's threads in words (from hang_stacks.h): for
 * each thread of the program, the call it was waiting in, the variable
 * that call waits on when gdb could name it, and the student's line it
 * was called from (quoted), with the student's callers; a thread stopped in
 * the student's own code is said to be running there (a spin or an
 * endless loop). ThreadSanitizer's own thread is left out, and so are the
 * harness's and the C library's frames, unless verbose. The same reading
 * is given as JSON for tools.
 *
 * Ownership: report_hang_json returns a new JSON array (the caller owns the
 * reference).
 */
#ifndef RL_REPORT_HANG_H
#define RL_REPORT_HANG_H

#include "grade.h"
#include "hang_stacks.h"
#include "util.h"

#include <jansson.h>

/* Appends one paragraph per thread of h, each line indented by indent. */
void report_hang_threads(strbuf *sb, const lab_result *lab, const hang_stacks *h, int indent,
                         bool verbose);

/* For a lab report: when a test program hung and its threads' stacks were
 * taken, appends "A test program hung ... where its threads were:" with
 * the threads (a hidden test program is not named). Returns whether
 * anything was appended. */
bool report_hang_lab(strbuf *sb, const lab_result *lab, int indent, bool verbose);

/* One object per thread of the program: {"process", "thread", "state":
 * "waiting"|"running"|"elsewhere", "call", "waits_on", "function", "file",
 * "line"}, the last five null where they do not apply. */
json_t *report_hang_json(const lab_result *lab, const hang_stacks *h);

#endif
