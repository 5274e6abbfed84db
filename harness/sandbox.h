/*
 * sandbox.h - the isolation of one trial, stronger than a process group:
 *
 *   - its own pid, network, mount, IPC and UTS namespaces: a fresh /proc
 *     that shows only the trial's processes, no network but a downed
 *     loopback, and a tiny init as pid 1; when the trial's program ends or
 *     is killed, the init ends and the kernel kills every process left in
 *     the namespace, including ones that escaped with setsid();
 *   - folders hidden behind an empty read-only tmpfs (the project with its
 *     solutions and hidden tests, the folder the result file goes to), and
 *     a private, empty /tmp, /var/tmp and /dev/shm, into which only the
 *     grader's own scratch folder is bound back, so nothing a trial writes
 *     outlives it;
 *   - as root, the program runs as an unprivileged uid of its own per
 *     parallel slot (a range of 64 uids per racelab process), so RLIMIT_NPROC caps its
 *     processes (a fork bomb stops there), it cannot write root's files, and
 *     parallel trials cannot signal each other; not as root, the namespaces
 *     are made inside a user namespace;
 *   - where the machine allows it (cgroup.h), a cgroup per trial that caps
 *     its tasks and its memory, counted by the kernel, and through which
 *     the runner kills every process the trial started;
 *   - without such a cgroup, a resident-memory cap enforced by the runner,
 *     which sums the resident size of the trial's processes
 *     (ThreadSanitizer reserves terabytes of address space, so RLIMIT_AS
 *     cannot be used; shared pages are counted once per process).
 *
 * sandbox_detect() finds out once, with a throwaway child, what this
 * machine allows, and the trial gets the strongest of: namespaces and
 * a dropped uid; namespaces only; process group and rlimits only; with a
 * cgroup or not, independently. The report says which (sandbox_describe).
 *
 * Ownership: a sandbox owns its strings; release with sandbox_free().
 */
#ifndef RL_SANDBOX_H
#define RL_SANDBOX_H

#include "cgroup.h"
#include "util.h"

#include <stdbool.h>
#include <sys/types.h>

#define SANDBOX_UID_BASE 200000 /* uids of per-slot users start here */
#define SANDBOX_NPROC 256       /* processes one trial's uid (or cgroup) may have */
#define SANDBOX_MEMORY_MB 2048  /* resident memory of one trial */

typedef enum {
    SANDBOX_NONE,       /* process group, session and rlimits only */
    SANDBOX_NAMESPACES, /* + pid, net, mount, ipc, uts namespaces (a user namespace) */
    SANDBOX_FULL,       /* + a per-slot unprivileged uid (as root) */
} sandbox_level;

typedef struct {
    sandbox_level level;
    strlist hide;            /* folders hidden from the trial */
    strlist keep;            /* folders bound back into the private /tmp */
    uid_t uid_base;          /* first per-slot uid of this racelab process */
    unsigned long memory_mb; /* resident memory cap, 0 for none */
    cgroup_setup cgroups;    /* per-trial cgroups, when the machine allows */
} sandbox;

/* Finds the strongest level this machine allows (RACELAB_SANDBOX=none|
 * namespaces|full caps it), and whether trials get cgroups
 * (RACELAB_CGROUPS=0: never). */
void sandbox_detect(sandbox *sb);

/* Names a folder that stays visible in the private /tmp (the scratch folder
 * the trials work in; the compiler's folder, if it lives in /tmp). */
void sandbox_keep(sandbox *sb, const char *path);

/* Adds a folder to hide from trials (ignored when it does not exist). */
void sandbox_hide(sandbox *sb, const char *path);

/* One line for the report: "isolation: own pid, network, mount and IPC
 * namespaces, ..., a cgroup v1 per trial (256 tasks, 2048 MB of memory)".
 * Returns a new string. */
char *sandbox_describe(const sandbox *sb);

/* The uid a trial in this parallel slot runs as, or -1 when unchanged. */
uid_t sandbox_uid(const sandbox *sb, int slot);

/* In a forked child, after its limits are set: joins the namespaces of the
 * running process `target` (its user, mount, pid, network, IPC and UTS
 * namespaces, those it does not share with racelab) and, as root, becomes
 * its user, then execs argv with envp in cwd; ends as that program ends.
 * So a tool that looks at a trial from outside (gdb at a hang) sees and
 * may do no more than the trial itself. Never returns; on failure writes
 * one line to stderr and exits 127. */
void sandbox_exec_joined(pid_t target, const char *cwd, const char *const *argv,
                         const char *const *envp) __attribute__((noreturn));

/* In a forked child, after its limits are set: enters the sandbox and
 * execs argv with envp in cwd. Never returns; on failure writes one line
 * to stderr and exits 127. */
void sandbox_exec(const sandbox *sb, int slot, const char *cwd, const char *const *argv,
                  const char *const *envp) __attribute__((noreturn));

void sandbox_free(sandbox *sb);

#endif
