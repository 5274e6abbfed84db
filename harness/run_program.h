/*
 * run_program.h - the pipeline of `racelab run`: any C program, not a lab,
 * built with ThreadSanitizer and the probe and run several times under
 * rotating schedule noise, then summed up as what a person debugging it
 * wants to know: the sanitizer's findings, hangs, crashes, and whether the
 * output or the exit status changed from run to run.
 *
 * It reuses the grading pipeline whole rather than a copy of it: the files
 * become the student files of a lab made up in memory, with no checks and
 * one "test program" that is an empty stub (the program's own main() is in
 * its files), so build.c compiles and links them with the probe exactly as
 * for a lab and grade.c runs, analyses and merges the trials.
 *
 * Ownership: program_check fills a program_result released by
 * program_result_free(); everything inside belongs to it.
 */
#ifndef RL_RUN_PROGRAM_H
#define RL_RUN_PROGRAM_H

#include "grade.h"
#include "rl.h"
#include "session.h"

/* The stub the program is linked as (its name is not a user's file name). */
#define RUN_PROGRAM_STUB "racelab-run.c"
/* How many runs `racelab run` makes unless told, and how long each may take. */
#define RUN_PROGRAM_TRIALS 8
#define RUN_PROGRAM_TIMEOUT 10.0
/* Once a run hung, how long each later run gets: the hang is shown, and a
 * deadlock need not cost the whole limit eight times over. */
#define RUN_PROGRAM_AFTER_HANG 2.0

/* One distinct thing the runs did (an output, a way of ending), how many
 * runs did it and the first that did. */
typedef struct {
    char *text; /* owned */
    unsigned runs;
    size_t first; /* trial index */
} run_variant;

typedef struct {
    lab_result lab;       /* the build, the trials and the merged findings */
    run_variant *outputs; /* distinct outputs (stdout and stderr together) of the runs
                             that exited, most runs first */
    size_t noutputs;
    run_variant *endings; /* distinct ends: "exit status 0", "timed out", ... most first */
    size_t nendings;
    unsigned exit_codes; /* distinct exit statuses of runs that exited on their own
                            (ThreadSanitizer's status aside) */
    unsigned timeouts;   /* runs stopped at the deadline */
    unsigned cut_short;  /* runs stopped at the shorter deadline after an earlier hang
                            (not counted in timeouts) */
    unsigned crashes;    /* runs killed by a signal */
    unsigned out_of_memory;
} program_result;

/* Builds `files` (absolute paths of .c files with distinct names; the .h
 * files beside them are copied along) as one program and runs it
 * o->trials times (RUN_PROGRAM_TRIALS when 0), with args after its name
 * (NULL-terminated, may be NULL) and stdin from stdin_path (NULL:
 * /dev/null). A program that does not compile gives RL_OK with
 * out->lab.state LAB_BUILD_FAILED and the compiler's messages in
 * out->lab.build_log; fails only when the harness cannot work. */
rl_status program_check(session *s, const cli_options *o, const strlist *files,
                        const char *const *args, const char *stdin_path, program_result *out,
                        rl_err *err);

/* True when the runs showed anything worth a look: a finding, a hang, a
 * crash, output or exit statuses that changed between runs. */
bool program_found_problems(const program_result *r);

void program_result_free(program_result *r);

#endif
