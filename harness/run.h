/*
 * run.h - runs programs as isolated, time-limited child processes, several
 * at once.
 *
 * Each program runs in its own process group and session with a clean,
 * caller-built environment, stdin from /dev/null (or a given file), resource limits (CPU
 * seconds, file size, open files, no core dumps), stdout and stderr captured
 * together through a pipe with a size cap (the rest is drained and dropped,
 * so a chatty program never blocks or fills the disk), and a wall-clock
 * timeout that kills the whole process group. With a sandbox (sandbox.h),
 * a program also runs in its namespaces and, where the machine allows, in a
 * cgroup of its own that caps its tasks and memory and through which every
 * process it left is killed. Up to `jobs` programs run at once; the caller
 * gets one outcome per spec, in order, whatever happened.
 *
 * Ownership: run_outcome strings belong to the outcome; release them with
 * run_outcome_free().
 */
#ifndef RL_RUN_H
#define RL_RUN_H

#include "rl.h"
#include "sandbox.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const char *const *argv;   /* argv[0] is the program's path */
    const char *const *envp;   /* the whole environment of the program */
    const char *cwd;           /* working folder */
    double timeout;            /* wall-clock seconds before the group is killed */
    size_t output_cap;         /* bytes of stdout+stderr kept */
    unsigned long file_size;   /* RLIMIT_FSIZE in bytes (0: 64 MiB) */
    bool no_aslr;              /* run with address randomisation off (setarch -R) */
    const sandbox *sandbox;    /* isolation beyond the process group, NULL for none */
    const char *stdin_path;    /* file opened (by racelab's user) as stdin; NULL: /dev/null */
    bool take_stacks;          /* at the deadline, take each thread's stack first (hang_stacks.h;
                                  for the first RUN_STACKS_TAKEN such runs of a run_all) */
    pid_t join;                /* > 0: run in this running process's namespaces and as its user
                                  (sandbox_exec_joined) instead of in `sandbox` */
    double timeout_after_hang; /* > 0: once another run of the same run_all hung, this run
                                  gets at most this many seconds (it need not wait out
                                  the whole limit to show the hang again) */
} run_spec;

#define RUN_STACKS_TAKEN 2

typedef enum {
    RUN_EXITED,        /* exit_code is valid */
    RUN_SIGNALED,      /* signal is valid */
    RUN_TIMED_OUT,     /* killed at the deadline */
    RUN_NOT_STARTED,   /* fork or exec failed: see output */
    RUN_OUT_OF_MEMORY, /* killed for using more memory than the sandbox allows */
} run_end;

typedef struct {
    run_end end;
    int exit_code;
    int signal;
    double seconds; /* wall-clock time */
    char *output;   /* captured stdout+stderr, NUL-terminated (owned) */
    size_t output_len;
    bool output_truncated; /* more was written than output_cap */
    unsigned process_cap;  /* its cgroup refused it a process or thread: the cap
                              (pids.max) it ran into; 0 when it did not */
    bool cut_short;        /* timed out at a deadline shortened by timeout_after_hang */
    char *stacks;          /* timed out with take_stacks: what gdb printed of its threads
                              (hang_stacks_take), NULL when not taken or gdb is missing (owned) */
} run_outcome;

/* Runs every spec, at most jobs at a time, and fills outs[i] for specs[i].
 * Fails only when the harness itself cannot work (no pipe, no memory); a
 * program that cannot start gets RUN_NOT_STARTED in its outcome. */
rl_status run_all(const run_spec *specs, run_outcome *outs, size_t n, int jobs, rl_err *err);

void run_outcome_free(run_outcome *o);

/* From now on, SIGINT, SIGTERM and SIGHUP make run_all kill every program
 * it runs and return an error, so that racelab can clean up and stop. */
void run_stop_on_interrupt(void);

/* True once racelab was asked to stop. */
bool run_interrupted(void);

/* One line for an outcome: "exited with status 1", "killed by signal 11
 * (Segmentation fault)", "timed out after 10.0 s", followed by the process
 * cap when the run hit it. Returns a new string. */
char *run_outcome_describe(const run_outcome *o, double timeout);

#endif
