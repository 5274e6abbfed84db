/*
 * scaling.h - the measurement behind `scaling` checks: is the locking fine
 * enough that threads rarely wait for one another?
 *
 * It builds the lab uninstrumented (-O2, no ThreadSanitizer, the probe
 * linked in) and runs every test program a few times at the lab's largest
 * thread count with the probe in "hold" mode: each thread yields right after
 * taking a mutex or read-write lock, so the other threads run while the lock
 * is held. The share of blocking lock calls that then find their lock taken
 * measures how coarse the locking is. With one lock around everything it is
 * high; with a lock per bucket it is low. Because the yield, not the machine,
 * decides when others run, the verdict holds on a loaded 2-core machine and
 * on a one-CPU container alike. The median over the runs is judged.
 *
 * Ownership: fills a scaling_result released by scaling_result_free().
 */
#ifndef RL_SCALING_H
#define RL_SCALING_H

#include "build.h"
#include "score.h"

/* Measures lab with the student's files in workdir/plain. A build or run
 * failure is reported in out->error (out->measured false), not as a status:
 * only a harness failure returns non-OK. */
rl_status scaling_measure(const lab_manifest *lab, const strlist *student_paths, bool with_hidden,
                          const build_env *env, const char *workdir, unsigned seed, double timeout,
                          const sandbox *sb, scaling_result *out, rl_err *err);

/* The number of runs the lab's scaling checks ask for (the most of any; 3
 * by default), or 0 when the lab has no scaling check. */
int scaling_runs_wanted(const lab_manifest *lab);

#endif
