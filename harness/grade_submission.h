/*
 * grade_submission.h - grades one untrusted submission (a folder or an
 * archive) into a complete report: the heart of `racelab grade`, which
 * `racelab grade-all` repeats for every student of a class, so both give
 * the same result file for the same submission.
 *
 * The report is complete whatever happens to the submission: a lab whose
 * files are missing, or every lab of a submission that cannot be opened,
 * is scored 0 with the reason (the reason names why the submission could
 * not be opened); a broken toolchain scores every lab 0 as a grader error.
 *
 * Ownership: the labs and notes put into the caller's report are the
 * report's; release them with report_release() (session.h). The opened
 * submission is the caller's: the report quotes lines of the student's files
 * when it is written, so close it with submission_close() only after that.
 */
#ifndef RL_GRADE_SUBMISSION_H
#define RL_GRADE_SUBMISSION_H

#include "cli.h"
#include "report.h"
#include "session.h"
#include "submission.h"

#include <stdio.h>

/* Grades the submission at path for the labs named in o->labs (when none:
 * every lab whose files it holds, or every lab when it holds none) with o's
 * trial options, into r->labs, r->notes and r->toolchain (the rest of r is
 * the caller's). sub gets the opened submission (zeroed when it could not
 * be opened); the caller closes it in every case. Each problem the person
 * running racelab should act on is written to say as one "racelab: ..."
 * line (say may be NULL).
 *
 * Returns RL_OK when r is complete, with *status the exit status `racelab
 * grade` gives: 0 graded (whatever the score), 2 the submission cannot be
 * opened or lacks a lab's files, 3 the toolchain is broken. Fails (err
 * filled, r left without labs) only when a lab's lab.ini cannot be loaded. */
rl_status grade_submission(session *s, const cli_options *o, const char *path, FILE *say,
                           submission *sub, report *r, int *status, rl_err *err);

#endif
