/*
 * gradebook_diff.h - what changed between two gradebooks (gradebook.h) of
 * the same class, typically before and after a regrade: for every student
 * whose points changed, the totals and each check that changed, old -> new.
 *
 * A student is listed when the total changed, when some check's points or
 * maximum changed although the total did not (points moved between checks),
 * or when the student is in one gradebook only. A student's total is the
 * total row when there is one, else the sum of the student's check rows.
 *
 * Ownership: the caller owns both gradebooks and the strbuf written to.
 */
#ifndef RL_GRADEBOOK_DIFF_H
#define RL_GRADEBOOK_DIFF_H

#include "gradebook.h"

typedef struct {
    size_t students;   /* in either gradebook */
    size_t changed;    /* students listed */
    size_t up, down;   /* in both, total rose / fell */
    size_t same_total; /* in both, checks changed but not the total */
    size_t only_old;   /* in the old gradebook only */
    size_t only_new;   /* in the new gradebook only */
} gradebook_diff_stats;

/* Appends to out one block per listed student, in byte order of names:
 *   alice: 85/100 → 100/100 (+15)
 *     01-bank race-free: 35 → 50
 * Names are shown through gradebook_display(). Fills stats. */
void gradebook_diff(const gradebook *old, const gradebook *new_, strbuf *out,
                    gradebook_diff_stats *stats);

/* Appends the one-line summary (with a line break): "2 of 230 students
 * changed: 1 up, 1 down, ..." or "no changes: ...". */
void gradebook_diff_summary(const gradebook_diff_stats *stats, strbuf *out);

#endif
