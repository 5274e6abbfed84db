/*
 * score.h - the score stage: applies a lab's checks (lab.ini) to its trials.
 *
 * A check earns its points only when it holds in every trial. One that
 * fails in some trials and holds in others is reported as nondeterministic
 * with its failure rate ("failed in 3 of 20 runs"), never averaged, so the
 * same submission always gets the same score for the same verdicts.
 *
 * Ownership: check_result strings belong to the result; release with
 * check_result_free().
 */
#ifndef RL_SCORE_H
#define RL_SCORE_H

#include "analyse.h"
#include "manifest.h"

/* The contention measurement behind scaling checks (see grade.c): runs of
 * the uninstrumented build with the probe yielding while each lock is held. */
typedef struct {
    bool measured; /* the runs ran */
    char *error;   /* why they could not, or NULL (owned) */
    int runs;
    double ratios[SCALING_RUNS_MAX]; /* contended / lock calls, per run */
    uint64_t locks[SCALING_RUNS_MAX];
    double median;
} scaling_result;

typedef struct {
    const lab_check *check; /* borrowed from the manifest */
    double score;
    bool passed;
    int runs; /* trials the check was judged on */
    int failed_runs;
    char *summary; /* one line: "failed in 3 of 20 runs (nondeterministic)" */
    char *details; /* what went wrong in the first failing run(s), or NULL */
    /* some failing run failed for more than its findings (race-free) or its
     * tests' verdicts (tests): a program crashed, hung, left no test report or
     * an unreadable or erased ThreadSanitizer log; details then say what */
    bool other_reasons;
} check_result;

/* Scores every check of lab over n trials (and the scaling measurement,
 * which may be NULL when the lab has no scaling check) into
 * out[0..lab->nchecks). */
void score_lab(const lab_manifest *lab, const trial_result *trials, size_t n,
               const scaling_result *scaling, check_result *out);

void scaling_result_free(scaling_result *s);

/* Scores every check 0 with the same reason (build failed, files missing). */
void score_all_failed(const lab_manifest *lab, const char *reason, check_result *out);

/* True when the check counts this kind of finding. */
bool score_check_counts(const lab_check *check, const tsan_finding *f);

/* True when a tests check covers the test named `test` (its globs, or every
 * test when it names none). */
bool score_check_covers(const lab_check *check, const char *test);

/* True when a program did not run to its end: it timed out, was killed or
 * never started, left no test report, or one of its tests crashed. */
bool score_run_incomplete(const program_run *run);

/* A finding's SUMMARY line without what says nothing to a student, the
 * binary's path and offset and its build id: "lock-order-inversion
 * (potential deadlock) in pthread_mutex_lock". New string. */
char *score_tidy_summary(const char *summary);

void check_result_free(check_result *r);

#endif
