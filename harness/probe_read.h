/*
 * probe_read.h - the harness's side of the probe (harness/probe/): the
 * symbol renames that route a student's calls through it, the names of its
 * primitives as lab.ini spells them, and reading its counters after a run.
 *
 * Ownership: probe_rename_map returns a new string the caller frees.
 */
#ifndef RL_PROBE_READ_H
#define RL_PROBE_READ_H

#include "probe/probe.h"
#include "rl.h"

#include <stdbool.h>

/* One thread's calls, as the probe counted them. */
typedef struct {
    uint32_t process; /* 0: the program's own process; n: the n-th child it forked */
    bool student;     /* started by the student's code */
    uint64_t calls[PROBE_NPRIM];
} probe_thread_counts;

/* What one program's run left in its counters file. */
typedef struct {
    bool present; /* the file was there and well-formed */
    uint64_t calls[PROBE_NPRIM];
    uint64_t contended;
    int64_t threads_max; /* most threads the student's code started before waiting for any */
    int64_t procs_max;   /* most children it forked before waiting for any */
    uint64_t noise_events;
    uint64_t child_cpu_ns; /* CPU time of the student's children */
    uint64_t main_cpu_ns;  /* CPU time of the program's own process */
    uint32_t threads_seen; /* threads that made a counted call */
    uint32_t nthreads;     /* of which thread[] holds the first ones */
    probe_thread_counts thread[PROBE_MAX_THREADS];
} probe_counts;

/* Reads the counters file at path. RL_ERR_NOT_FOUND when absent; RL_ERR_IO
 * when it is not a probe file of this version (out->present stays false). */
rl_status probe_read(const char *path, probe_counts *out, rl_err *err);

/* "mutex_lock" for PROBE_MUTEX_LOCK (constant). */
const char *probe_primitive_name(probe_primitive p);

/* What a student calls it: "pthread_mutex_lock", "sleep, usleep or nanosleep". */
const char *probe_primitive_words(probe_primitive p);

/* The primitive lab.ini names `name`; false when there is none. */
bool probe_primitive_parse(const char *name, probe_primitive *out);

/* objcopy --redefine-syms input: "SYMBOL racelab_probe_SYMBOL" per line, for
 * every renamed libc function and ThreadSanitizer atomic entry point. */
char *probe_rename_map(void);

#endif
