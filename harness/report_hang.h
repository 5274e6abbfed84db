/*
 * report_hang.h - a hung run's threads in words (from hang_stacks.h): for
 * each thread of the program, the call it was waiting in, the variable
 * that call waits on when gdb could name it, and the student's line it
 * was called from (quoted), with the student's callers; a thread stopped in
 * the student's own code is said to be running there (a spin or an
 * endless loop). ThreadSanitizer's own thread is left out, and so are the
 * harness's and the C library's frames, unless verbose.
 */
#ifndef RL_REPORT_HANG_H
#define RL_REPORT_HANG_H

#include "grade.h"
#include "hang_stacks.h"
#include "util.h"

/* Appends one paragraph per thread of h, each line indented by indent. */
void report_hang_threads(strbuf *sb, const lab_result *lab, const hang_stacks *h, int indent,
                         bool verbose);

#endif
