/*
 * analyse.h - the analyse stage: turns what one trial left behind (each
 * program's run outcome, cmocka XML report and ThreadSanitizer logs) into a
 * trial_result the scorer can read.
 *
 * A trial runs every test program of a lab once with the same seed and
 * thread count, each program writing its reports into the trial's folder:
 *   <program>.xml          cmocka's per-test verdicts
 *   <program>.tsan.<pid>   ThreadSanitizer reports, one file per process
 *   <program>.probe        the probe's counters (see probe_read.h)
 *
 * Ownership: a trial_result owns everything inside it; release it with
 * trial_result_free().
 */
#ifndef RL_ANALYSE_H
#define RL_ANALYSE_H

#include "cmocka_results.h"
#include "probe_read.h"
#include "rl.h"
#include "run.h"
#include "tsan_parse.h"

#include <stdbool.h>

#define ANALYSE_LOG_MAX (8 * 1024 * 1024) /* bytes of TSan log read per file */
/* The exit status ThreadSanitizer is told to use (TSAN_OPTIONS exitcode=):
 * not a status a student's program returns by accident. */
#define ANALYSE_TSAN_EXIT_CODE 217

typedef struct {
    char *name;          /* program name: "test_bank" */
    bool hidden;         /* a hidden test program */
    run_outcome run;     /* how the process ended, with its output */
    bool have_results;   /* cmocka's report was read */
    char *results_error; /* why not, when !have_results */
    test_cases tests;
    bool crashed;       /* a test crashed (a signal cmocka caught) */
    probe_counts probe; /* what the probe counted (probe.present false when absent) */
} program_run;

typedef struct {
    int index; /* 0-based trial number */
    unsigned seed;
    int threads;
    const char *noise; /* schedule noise mode (a constant string) */
    double timeout;    /* the per-program limit the trial ran with */
    program_run *runs;
    size_t nruns;
    tsan_findings findings; /* this trial's findings, duplicates merged */
} trial_result;

/* The file names a program's reports go to inside a trial folder (new strings). */
char *analyse_xml_path(const char *trial_dir, const char *program);
char *analyse_tsan_prefix(const char *trial_dir, const char *program);

/* Reads the reports in trial_dir into t (whose runs are already filled in
 * with names and outcomes). Fails only when memory or the folder fail. */
rl_status analyse_trial(trial_result *t, const char *trial_dir, rl_err *err);

/* True when the test named `name` ran in this trial and passed; *found says
 * whether it ran at all. */
bool trial_test_passed(const trial_result *t, const char *name, bool *found);

void trial_result_free(trial_result *t);

#endif
