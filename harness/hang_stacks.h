/*
 * hang_stacks.h - where each thread of a program was when it hung: taken
 * with gdb in batch mode just before the runner kills a run at its
 * deadline, and read back into stacks the reports can explain.
 *
 * gdb attaches to every process of the run (at most HANG_STACKS_PROCESSES,
 * racelab's own sandbox init left out), prints `thread apply all bt` and
 * detaches; the whole of it is bounded by HANG_STACKS_SECONDS. gdb runs
 * inside the trial's own namespaces and as the trial's user
 * (sandbox_exec_joined), with no init file, no scripts from the program's
 * binary, no debuginfod and a clean environment: a binary crafted to attack
 * gdb's readers gets no more than the trial had. Where gdb is not
 * installed nothing is taken, and the report says how to get it.
 *
 * The text gdb printed is untrusted (function names, file names and
 * argument values come from the program's own binary and memory): the
 * parser takes what it recognises, caps every count and length, and never
 * fails.
 *
 * Ownership: hang_stacks_take returns a new string or NULL; hang_stacks_parse
 * fills a hang_stacks released by hang_stacks_free().
 */
#ifndef RL_HANG_STACKS_H
#define RL_HANG_STACKS_H

#include "tsan_parse.h"

#include <stdbool.h>
#include <sys/types.h>

#define HANG_STACKS_PROCESSES 4 /* processes of one run looked at */
#define HANG_STACKS_SECONDS 5.0 /* for gdb, over all of them (an attach takes ~0.5 s) */
#define HANG_STACKS_TREE_MAX 16 /* a run of more processes (a fork bomb) is not looked at */
#define HANG_STACKS_THREADS 64  /* threads kept, over all processes */
#define HANG_STACKS_FRAMES 48   /* frames kept of each thread */
#define HANG_STACKS_TEXT_CAP (256 * 1024)

/* The gdb tool racelab uses: $RACELAB_GDB, else gdb on PATH. True when found. */
bool hang_stacks_available(void);

/* Attaches gdb to the processes started under `leader` (the run's first
 * process, racelab's own processes left out) and returns what it printed,
 * each process's part after a line "process PID". NULL when gdb is not
 * installed, or when the run has more than HANG_STACKS_TREE_MAX processes:
 * gdb runs as the run's user, whose process cap a fork bomb has used up. */
char *hang_stacks_take(pid_t leader);

/* One thread of a hung process. */
typedef struct {
    int process;      /* pid as gdb saw it (host pid), 0 when unknown */
    int number;       /* gdb's thread number (1: the process's first thread) */
    char *name;       /* the thread's name, or NULL */
    bool racelab;     /* a thread of ThreadSanitizer's runtime, not the program's */
    tsan_stack stack; /* innermost frame first; file as gdb printed it */
    char **symbols;   /* one per frame: the variable an argument of it points to ("from"
                         of "mutex=0x55... <from>"), or NULL */
} hang_thread;

typedef struct {
    hang_thread *threads;
    size_t n;
} hang_stacks;

/* Reads the text hang_stacks_take returned (NULL: no threads). */
void hang_stacks_parse(const char *text, hang_stacks *out);

void hang_stacks_free(hang_stacks *s);

#endif
