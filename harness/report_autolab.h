/*
 * report_autolab.h - Autolab's autograder output: the text report, then one
 * line of formatted feedback (per check, passed or not, with a hint), then
 * the autoresult {"scores": {"LAB": points, ...}} as the last line. The
 * shape is at the top of report_autolab.c.
 */
#ifndef RL_REPORT_AUTOLAB_H
#define RL_REPORT_AUTOLAB_H

#include "report.h"

#include <stdio.h>

/* Writes r for Autolab to out; its last line is the autoresult. */
rl_status report_write_autolab(const report *r, FILE *out, rl_err *err);

#endif
