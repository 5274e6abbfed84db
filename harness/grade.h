/*
 * grade.h - the grading pipeline for one lab: build, run the trials,
 * analyse them, score the checks. `racelab check` (a student's working copy)
 * and `racelab grade` (a submission) both come through here, so they give
 * the same verdict on the same files.
 *
 * grade_lab never fails outward: a compile error, a crash, a timeout or an
 * internal error of the harness still yields a lab_result with every check
 * present and scored, and a message saying why.
 *
 * Ownership: a lab_result owns its manifest (moved in) and everything else
 * inside; release it with lab_result_free().
 */
#ifndef RL_GRADE_H
#define RL_GRADE_H

#include "analyse.h"
#include "manifest.h"
#include "score.h"
#include "toolchain.h"

typedef struct {
    const char *support_dir;  /* harness/lab_support, put on the include path */
    const char *probe_source; /* harness/probe/probe.c, linked into every program */
    const char *cache_dir;    /* the probe's compiled objects kept (object_cache.h), or NULL */
    const toolchain *tc;
    const sandbox *sandbox;    /* how each trial is isolated */
    const char *scratch;       /* this run's scratch folder; each lab works below it */
    int trials;                /* 0: the lab's own default */
    double timeout;            /* seconds per trial, 0: the lab's own */
    unsigned seed;             /* trial i runs with seed + i */
    const char *noise;         /* one of grade_noise_modes for every trial; NULL: by seed */
    int jobs;                  /* programs run at once */
    bool with_hidden;          /* also build and run the hidden tests */
    const char *const *args;   /* arguments after the program's name (NULL-terminated; NULL:
                                  none), for `racelab run -- ARGS` */
    const char *stdin_path;    /* every program's stdin (NULL: /dev/null), for `run --stdin` */
    bool take_stacks;          /* take the threads' stacks of a run that hangs (run.h) */
    double timeout_after_hang; /* > 0: once a run hung, later runs get this long (run.h) */
    /* called after each finished trial, may be NULL */
    void (*progress)(const char *lab, int done, int total, void *ctx);
    void *progress_ctx;
} grade_options;

typedef enum {
    LAB_GRADED,        /* built and run: the checks speak */
    LAB_NOT_SUBMITTED, /* the student files were not in the submission */
    LAB_BUILD_FAILED,  /* the code did not compile */
    LAB_ERROR,         /* the grader itself failed; checks scored 0 */
} lab_state;

/* What the run saw of one deduplicated finding. */
typedef struct {
    unsigned trials;      /* trials that showed it */
    unsigned first_trial; /* 0-based */
    unsigned first_seed;
} finding_stat;

typedef struct {
    lab_manifest lab;
    lab_state state;
    char *message;   /* one line for every state but LAB_GRADED, else NULL */
    strlist notes;   /* lines the report shows under the lab (refused files, ...) */
    strlist sources; /* the student files graded (absolute paths, in the order of
                        lab.student_files), for showing source lines */
    char *build_log; /* compiler output, "" when silent */
    trial_result *trials;
    size_t ntrials;
    tsan_findings findings; /* over all trials, duplicates merged */
    finding_stat *stats;    /* one per finding */
    scaling_result scaling; /* lock contention, when the lab has a scaling check */
    check_result *checks;   /* one per lab.checks */
    double score;
    double max_score;
    double seconds;
} lab_result;

/* The schedule noise modes the probe knows (for --noise), and the ones
 * trials rotate through: none is left out of the rotation, as pct does
 * all it does (without synchronisation calls pct adds nothing) and more. */
#define GRADE_NOISE_MODES 5
#define GRADE_ROTATED_MODES 4
extern const char *const grade_noise_modes[GRADE_NOISE_MODES];
extern const char *const grade_rotated_modes[GRADE_ROTATED_MODES];

/* The mode named `name`, as the constant string of grade_noise_modes;
 * NULL when there is none. */
const char *grade_noise_mode(const char *name);

/* What a trial with this seed runs with: the thread count and the noise
 * mode both follow from the seed, so `--seed N --trials 1` replays a run. */
void trial_schedule(const lab_manifest *lab, unsigned seed, int *threads, const char **noise);

/* Grades lab (moved into out) with the student's files (absolute paths in
 * the order of lab->student_files). */
void grade_lab(const grade_options *o, lab_manifest *lab, const strlist *student_paths,
               lab_result *out);

/* A result for a lab that could not be graded at all (state and message
 * given), every check present and scored 0. lab is moved into out. */
void grade_lab_failed(lab_manifest *lab, lab_state state, const char *message, lab_result *out);

void lab_result_free(lab_result *r);

#endif
