/*
 * cgroup.h - a control group per trial, where the machine allows it: a cap
 * on the trial's tasks (pids.max) and on its memory, counted by the kernel
 * (each page once, however many processes map it; ThreadSanitizer's
 * terabytes of reserved address space cost nothing until touched), and a
 * sure way to find and kill every process the trial started.
 *
 * cgroup_detect() finds out once per session what this machine allows:
 *
 *   - cgroup v2: the unified hierarchy, when racelab's own cgroup offers
 *     the pids and memory controllers and racelab may hand them to children
 *     (its cgroup is the hierarchy's root, or racelab is the only process in
 *     it: then it moves itself into a leaf, racelab-PID, since a cgroup that
 *     holds processes may not give controllers to its children, and moves
 *     back at the end);
 *   - cgroup v1: writable pids and memory hierarchies, trial cgroups made
 *     below racelab's own cgroup in each;
 *   - neither (an ordinary user, usually; RACELAB_CGROUPS=0): off, and the
 *     runner keeps its fallbacks (process group, RLIMIT_NPROC of a per-slot
 *     uid, the resident-memory watchdog).
 *
 * A trial's cgroup is named racelab-PID-SLOT-N (PID racelab's own), made
 * before the trial starts, entered by the trial's first process before it
 * runs anything else, and removed when the trial ends, after everything in
 * it is killed. Empty cgroups of an earlier racelab whose PID is gone (it
 * crashed or was killed with SIGKILL) are removed by the next
 * cgroup_detect().
 *
 * Ownership: a cgroup_setup owns its strings (cgroup_free); a cgroup_trial
 * owns its strings until cgroup_trial_remove().
 */
#ifndef RL_CGROUP_H
#define RL_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

typedef enum {
    CGROUP_OFF, /* none used: the runner's fallbacks apply */
    CGROUP_V1,  /* the pids and memory hierarchies of cgroup v1 */
    CGROUP_V2,  /* the unified hierarchy */
} cgroup_version;

typedef struct {
    cgroup_version version;
    char *pids_parent;       /* trial cgroups are made here (v2: the only parent) */
    char *memory_parent;     /* v1: the same in the memory hierarchy; NULL on v2 */
    char *home;              /* v2: the cgroup racelab left for its leaf, or NULL */
    char *leaf;              /* v2: racelab's own leaf below home, or NULL */
    char *enabled;           /* v2: what racelab wrote to home's subtree_control */
    bool memsw;              /* v1: memory.memsw.limit_in_bytes exists (swap counted) */
    unsigned long memory_mb; /* memory cap of one trial */
    unsigned pids_max;       /* tasks (processes and threads) of one trial */
    unsigned stale_removed;  /* cgroups of dead racelab runs removed at detection */
} cgroup_setup;

typedef struct {
    cgroup_version version;
    char *pids_dir;      /* v1: in the pids hierarchy; v2: the trial's cgroup */
    char *memory_dir;    /* v1: in the memory hierarchy; NULL on v2 */
    bool pids_limited;   /* the trial's first process is under pids.max */
    bool memory_limited; /* ... and under the memory cap */
} cgroup_trial;

/* Finds what the machine allows (RACELAB_CGROUPS=0 turns cgroups off) and
 * removes the empty cgroups of earlier racelab runs that are gone. Never fails:
 * cg->version is CGROUP_OFF when nothing can be used. */
void cgroup_detect(cgroup_setup *cg, unsigned long memory_mb, unsigned pids_max);

/* "a cgroup v1 per trial (256 tasks, 2048 MB of memory)", or NULL when
 * off. Returns a new string. */
char *cgroup_describe(const cgroup_setup *cg);

/* Makes the cgroup of one trial of this parallel slot, its limits set.
 * False (nothing left behind) when cgroups are off or it cannot be made. */
bool cgroup_trial_make(const cgroup_setup *cg, int slot, cgroup_trial *t);

/* Moves a process (the trial's first, still waiting to run anything) into
 * the trial's cgroup; sets t->pids_limited and t->memory_limited. True when
 * both limits apply. */
bool cgroup_trial_enter(cgroup_trial *t, pid_t pid);

/* SIGKILLs every process in the trial's cgroup (cgroup.kill where the
 * kernel has it, else one pass over the list: call again until empty). */
void cgroup_trial_kill(const cgroup_trial *t);

/* Whether the kernel killed a process of the trial for going over its
 * memory cap (v2 memory.events oom_kill, v1 memory.oom_control oom_kill;
 * on old v1 kernels without that counter, memory.failcnt when the trial
 * ended by SIGKILL, which the caller says with killed). */
bool cgroup_trial_out_of_memory(const cgroup_trial *t, bool killed);

/* Whether the trial tried to have more tasks than pids.max allows. */
bool cgroup_trial_hit_pids_max(const cgroup_trial *t);

/* Kills what is left in the trial's cgroup and removes it, without
 * waiting; frees t's strings. A cgroup whose killed processes have not yet
 * left is remembered for cgroup_reap() (false then). */
bool cgroup_trial_remove(cgroup_trial *t);

/* Kills and removes what cgroup_trial_remove() left, waiting up to wait
 * seconds (0: one pass). True when nothing is left. */
bool cgroup_reap(double wait);

/* Reaps what is left (2 s at most), moves racelab back out of its v2 leaf
 * and removes the leaf; frees cg's strings. */
void cgroup_free(cgroup_setup *cg);

#endif
