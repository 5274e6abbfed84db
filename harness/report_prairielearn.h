/*
 * report_prairielearn.h - PrairieLearn's external grader results.json
 * (written to /grade/results/results.json): gradable, score in [0, 1],
 * message, output, tests[] and, for a submission that could not be graded,
 * format_errors. The decisions are at the top of report_prairielearn.c.
 */
#ifndef RL_REPORT_PRAIRIELEARN_H
#define RL_REPORT_PRAIRIELEARN_H

#include "report.h"

#include <stdio.h>

/* Writes r as one PrairieLearn results.json (UTF-8 JSON, under 1 MB). */
rl_status report_write_prairielearn(const report *r, FILE *out, rl_err *err);

#endif
