/*
 * manifest.h - a lab's lab.ini, loaded and checked.
 *
 * The format is documented for instructors in labs/README.md. Loading
 * rejects anything a grader could trip over later (unknown keys, a check of
 * unknown kind, points that are not a number, missing files), naming the
 * file, the line and the fix.
 *
 * Ownership: manifest_load fills a lab_manifest the caller releases with
 * manifest_free(); every string and list inside belongs to it.
 */
#ifndef RL_MANIFEST_H
#define RL_MANIFEST_H

#include "probe/probe.h"
#include "rl.h"
#include "tsan_parse.h"
#include "util.h"

typedef enum {
    CHECK_TESTS,       /* cmocka tests pass in every trial */
    CHECK_RACE_FREE,   /* no ThreadSanitizer report in any trial */
    CHECK_MECHANISM,   /* the student's code called what it must, and not what it must not */
    CHECK_CONCURRENCY, /* the student's code kept enough threads or processes going at once */
    CHECK_SCALING,     /* locking fine enough that threads rarely wait for each other */
} check_kind;

#define SCALING_RUNS_MAX 15 /* measurement runs a scaling check may ask for */

/* "mutex_lock >= 10" of a mechanism check. */
typedef struct {
    probe_primitive primitive;
    unsigned long at_least;
} check_requirement;

typedef struct {
    char *id;    /* section name after "check ": "race-free" */
    char *title; /* what the student reads: "No data races on the balance" */
    check_kind kind;
    double points;
    strlist tests;              /* CHECK_TESTS: cmocka test-name globs; empty means every test */
    strlist kinds;              /* CHECK_RACE_FREE: finding kinds that count ("data race", ...);
                                   empty means every kind */
    check_requirement *require; /* CHECK_MECHANISM: every one must hold */
    size_t nrequire;
    bool forbid[PROBE_NPRIM]; /* CHECK_MECHANISM: primitives that must not be called */
    int min_threads;          /* CHECK_CONCURRENCY: 0 when not asked */
    int min_processes;
    double max_contention; /* CHECK_SCALING: share of lock calls that may find it taken */
    int runs;              /* CHECK_SCALING: measurement runs, median taken */
    char *hint;            /* shown when the check fails; may be NULL */
    /* CHECK_RACE_FREE: hint_<kind> = ..., shown beside findings of that kind
     * (index: tsan_kind, key: tsan_kind_key) instead of hint; NULL when not given */
    char *kind_hints[TSAN_NKINDS];
} lab_check;

typedef struct {
    char *id;           /* folder name: "01-bank" */
    char *dir;          /* absolute path of labs/ID */
    char *solution_dir; /* absolute path of solutions/ID (may not exist) */
    char *title;
    char *summary;         /* one line for `racelab list` */
    strlist student_files; /* files a student edits and submits: "bank.c" */
    strlist support;       /* other .c files of the lab compiled into every program */
    strlist tests;         /* visible test programs (each a .c with main) in labs/ID */
    strlist hidden_tests;  /* hidden test programs, in solutions/ID; graded when present */
    int trials;            /* default trial count */
    double timeout;        /* seconds per trial (wall clock) */
    int threads[8];        /* thread counts rotated through trials */
    size_t nthreads;
    char *cflags;  /* extra compiler flags, may be "" */
    char *ldflags; /* extra linker flags, may be "" */
    lab_check *checks;
    size_t nchecks;
    double max_points;     /* sum of the checks' points */
    strlist starter_fails; /* ids of the checks the starter must fail (racelab validate) */
    /* Gradescope visibility of a check judged by hidden tests alone: "after_published"
     * (the default), "hidden", "after_due_date" or "visible" (one of
     * manifest_visibilities). NULL in a manifest built by hand means the default. */
    const char *hidden_visibility;
} lab_manifest;

/* The visibility words Gradescope knows, NULL-terminated. */
extern const char *const manifest_visibilities[];

/* Loads labs_root/id/lab.ini (solutions_root/id is recorded, need not exist). */
rl_status manifest_load(const char *labs_root, const char *solutions_root, const char *id,
                        lab_manifest *out, rl_err *err);

/* Parses one lab.ini file from a path (used by manifest_load and tests);
 * dir and id are recorded as given. Checks that the named files exist in dir
 * (student files, support, tests). */
rl_status manifest_parse_file(const char *path, const char *id, const char *dir,
                              const char *solution_dir, lab_manifest *out, rl_err *err);

void manifest_free(lab_manifest *m);

/* The word used in lab.ini for a kind ("tests", "race-free"). */
const char *check_kind_name(check_kind kind);

#endif
