/*
 * report_junit.h - JUnit XML, the test report CI systems read (Jenkins,
 * GitLab, GitHub Actions' test reporters): one <testsuite> per lab, one
 * <testcase> per check, a <failure> for a failed check and an <error> for
 * a lab that could not be graded. The shape is in report_junit.c.
 */
#ifndef RL_REPORT_JUNIT_H
#define RL_REPORT_JUNIT_H

#include "report.h"

#include <stdio.h>

/* Writes r as one JUnit XML document (UTF-8) to out. */
rl_status report_write_junit(const report *r, FILE *out, rl_err *err);

#endif
