/*
 * result_file.h - reads back a result file in racelab's JSON format (the
 * `--format json` of `racelab grade`), as `racelab grade-all` keeps one per
 * student in OUT/results/: whether it is complete, and its gradebook rows.
 *
 * Ownership: nothing returned is owned by this module; rows added to a
 * gradebook belong to it.
 */
#ifndef RL_RESULT_FILE_H
#define RL_RESULT_FILE_H

#include "gradebook.h"
#include "util.h"

#include <stdbool.h>

typedef struct {
    double score;
    double max_score;
    char *reason;      /* "STATE: message" of the first lab not graded, NULL when all were
                          (owned) */
    bool grader_error; /* some lab ended in a grader error ("error"): grade it again */
} result_summary;

/* True when path holds a complete result: racelab's JSON schema 1, every
 * lab in a known state with its checks scored, and every lab of `labs`
 * (when any is named) present. When true and g is not NULL, appends the
 * rows of the student: one per check of every lab (score of points; the
 * note "STATE: message" for a lab not graded), then the total row. sum
 * (may be NULL) gets the totals and whether a lab hit a grader error; free
 * it with result_summary_free(). */
bool result_file_read(const char *path, const char *student, const strlist *labs, gradebook *g,
                      result_summary *sum);

void result_summary_free(result_summary *sum);

#endif
