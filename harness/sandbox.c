/*
 * sandbox.c - enters the trial sandbox (see sandbox.h).
 *
 * Process layout inside a forked runner child C (the process group leader
 * the runner watches and kills at the deadline):
 *
 *   C: unshare(pid, net, mount, ipc, uts [, user]); fork -> I; wait for I;
 *      end the way I ended
 *   I: pid 1 of the new namespace: private mounts, fresh /proc, hidden
 *      folders; fork -> P; reap every process until P ends; end as P did
 *      (and with I, the kernel kills everything else in the namespace)
 *   P: drop to the slot's uid; exec the program
 */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const int ns_flags = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS;

void sandbox_hide(sandbox *sb, const char *path)
{
    if (path && path_is_dir(path) && !strlist_contains(&sb->hide, path))
        strlist_push(&sb->hide, path);
}

uid_t sandbox_uid(const sandbox *sb, int slot)
{
    return sb && sb->level == SANDBOX_FULL ? sb->uid_base + (uid_t)slot : (uid_t)-1;
}

void sandbox_keep(sandbox *sb, const char *path)
{
    if (path && !strlist_contains(&sb->keep, path))
        strlist_push(&sb->keep, path);
}

/* mkdir -p, for the scratch folder's path inside the private /tmp. */
static void make_path(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *s = buf + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            mkdir(buf, 0755);
            *s = '/';
        }
    mkdir(buf, 0755);
}

/* A private, empty /tmp, /var/tmp and /dev/shm; the scratch folder (opened
 * before /tmp is covered) is bound back at its own path. */
static void private_temp_folders(const sandbox *sb)
{
    int keep[16];
    size_t n = sb->keep.n < 16 ? sb->keep.n : 16;
    for (size_t i = 0; i < n; i++)
        keep[i] = open(sb->keep.items[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
    static const char *const temps[] = {"/tmp", "/var/tmp", "/dev/shm"};
    for (size_t i = 0; i < 3; i++)
        if (path_is_dir(temps[i]))
            mount("tmpfs", temps[i], "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,mode=1777");
    for (size_t i = 0; i < n; i++) {
        if (keep[i] < 0)
            continue;
        char from[64];
        snprintf(from, sizeof from, "/proc/self/fd/%d", keep[i]);
        make_path(sb->keep.items[i]);
        mount(from, sb->keep.items[i], NULL, MS_BIND | MS_REC, NULL);
        close(keep[i]);
    }
}

char *sandbox_describe(const sandbox *sb)
{
    const char *what = "own process group and session, rlimits (CPU, file size, open files, "
                       "no core), wall-clock timeout";
    if (sb->level == SANDBOX_NAMESPACES)
        what = "own pid, network, mount and IPC namespaces (in a user namespace), hidden "
               "project folder, rlimits, wall-clock timeout";
    else if (sb->level == SANDBOX_FULL)
        what = "own pid, network, mount and IPC namespaces, an unprivileged uid per trial "
               "(256 processes at most), hidden project folder, rlimits, wall-clock timeout";
    char *cgroups = cgroup_describe(&sb->cgroups);
    char *line = cgroups ? xasprintf("isolation: %s, %s", what, cgroups)
                 : sb->memory_mb
                     ? xasprintf("isolation: %s, %lu MB resident memory", what, sb->memory_mb)
                     : xasprintf("isolation: %s", what);
    free(cgroups);
    return line;
}

/* Writes s to path (for the user namespace's maps); false on failure. */
static bool write_text(const char *path, const char *s)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
    close(fd);
    return ok;
}

/* Makes the namespaces; in a user namespace when not root. */
static bool enter_namespaces(sandbox_level level)
{
    if (level == SANDBOX_FULL)
        return unshare(ns_flags) == 0;
    uid_t uid = getuid();
    gid_t gid = getgid();
    if (unshare(ns_flags | CLONE_NEWUSER) != 0)
        return false;
    char map[64];
    snprintf(map, sizeof map, "%u %u 1\n", (unsigned)uid, (unsigned)uid);
    write_text("/proc/self/setgroups", "deny");
    bool ok = write_text("/proc/self/uid_map", map);
    snprintf(map, sizeof map, "%u %u 1\n", (unsigned)gid, (unsigned)gid);
    return ok && write_text("/proc/self/gid_map", map);
}

/* Ends this process the way a child ended (exit status or signal). */
static void end_like(int status) __attribute__((noreturn));
static void end_like(int status)
{
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        signal(sig, SIG_DFL);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, sig);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        prctl(PR_SET_DUMPABLE, 0);
        kill(getpid(), sig);
        _exit(128 + sig);
    }
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 127);
}

/* Waits for pid, reaping any other child that ends meanwhile. */
static int wait_for(pid_t pid)
{
    for (;;) {
        int status;
        pid_t r = waitpid(-1, &status, 0);
        if (r == pid)
            return status;
        if (r < 0 && errno != EINTR)
            return 127 << 8;
    }
}

/* pid 1's set-up: private mounts, a /proc of this namespace, hidden folders. */
static void prepare_mounts(const sandbox *sb)
{
    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    private_temp_folders(sb);
    for (size_t i = 0; i < sb->hide.n; i++)
        mount("tmpfs", sb->hide.items[i], "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
              "size=4k,mode=0555");
}

static void become_slot_user(const sandbox *sb, int slot)
{
    uid_t uid = sandbox_uid(sb, slot);
    if (uid == (uid_t)-1)
        return;
    struct rlimit rl = {SANDBOX_NPROC, SANDBOX_NPROC};
    if (setgroups(0, NULL) != 0 || setgid((gid_t)uid) != 0 || setuid(uid) != 0 ||
        setrlimit(RLIMIT_NPROC, &rl) != 0) {
        dprintf(2, "racelab: cannot drop privileges: %s\n", strerror(errno));
        _exit(127);
    }
}

/* The real uid and gid of a process, from /proc/PID/status. */
static bool owner_of(pid_t pid, uid_t *uid, gid_t *gid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return false;
    int found = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "Uid:", 4) == 0) {
            *uid = (uid_t)strtoul(line + 4, NULL, 10);
            found++;
        } else if (strncmp(line, "Gid:", 4) == 0) {
            *gid = (gid_t)strtoul(line + 4, NULL, 10);
            found++;
        }
    }
    fclose(f);
    return found == 2;
}

/* Opens target's namespace of one kind: a descriptor, -2 when it is ours
 * already, -1 when it cannot be opened. */
static int open_namespace(pid_t target, const char *kind)
{
    char theirs[64], ours[64];
    snprintf(theirs, sizeof theirs, "/proc/%d/ns/%s", (int)target, kind);
    snprintf(ours, sizeof ours, "/proc/self/ns/%s", kind);
    struct stat a, b;
    if (stat(theirs, &a) != 0)
        return -1;
    if (stat(ours, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
        return -2;
    return open(theirs, O_RDONLY | O_CLOEXEC);
}

void sandbox_exec_joined(pid_t target, const char *cwd, const char *const *argv,
                         const char *const *envp)
{
    /* the user namespace first: it grants what joining the others needs */
    static const char *const kinds[] = {"user", "mnt", "pid", "net", "ipc", "uts"};
    uid_t uid = 0;
    gid_t gid = 0;
    if (!owner_of(target, &uid, &gid)) {
        dprintf(2, "racelab: process %d is gone\n", (int)target);
        _exit(127);
    }
    /* every one opened first: once in its mount namespace, /proc is the
     * trial's and no longer knows target by this pid */
    int fds[sizeof kinds / sizeof kinds[0]];
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if ((fds[i] = open_namespace(target, kinds[i])) == -1) {
            dprintf(2, "racelab: cannot open the %s namespace of process %d: %s\n", kinds[i],
                    (int)target, strerror(errno));
            _exit(127);
        }
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (fds[i] >= 0 && setns(fds[i], 0) != 0) {
            dprintf(2, "racelab: cannot join the %s namespace of process %d: %s\n", kinds[i],
                    (int)target, strerror(errno));
            _exit(127);
        }
    pid_t child = fork(); /* a new pid namespace takes only children */
    if (child < 0)
        _exit(127);
    if (child > 0)
        end_like(wait_for(child));
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (geteuid() == 0 && uid != 0 &&
        (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0)) {
        dprintf(2, "racelab: cannot drop privileges: %s\n", strerror(errno));
        _exit(127);
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* a change of user clears it */
    if (chdir(cwd ? cwd : "/") != 0)
        _exit(127);
    execve(argv[0], (char *const *)argv, (char *const *)envp);
    dprintf(2, "racelab: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

void sandbox_exec(const sandbox *sb, int slot, const char *cwd, const char *const *argv,
                  const char *const *envp)
{
    if (!sb || sb->level == SANDBOX_NONE || !enter_namespaces(sb->level)) {
        if (sb && sb->level != SANDBOX_NONE) {
            dprintf(2, "racelab: cannot enter the sandbox: %s\n", strerror(errno));
            _exit(127);
        }
        if (cwd && chdir(cwd) != 0)
            _exit(127);
        execve(argv[0], (char *const *)argv, (char *const *)envp);
        dprintf(2, "racelab: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    /* pid 1 cannot kill itself with a signal, so it sends the program's
     * status up through a pipe, and this process ends the same way */
    int status_pipe[2];
    if (pipe2(status_pipe, O_CLOEXEC) != 0)
        _exit(127);
    pid_t init = fork();
    if (init < 0)
        _exit(127);
    if (init > 0) {
        close(status_pipe[1]);
        int init_status = wait_for(init), program_status;
        if (read(status_pipe[0], &program_status, sizeof program_status) ==
            (ssize_t)sizeof program_status)
            end_like(program_status);
        end_like(init_status);
    }
    close(status_pipe[0]);
    /* pid 1 of the new namespace: it ends, and the namespace with it, when
     * the runner's child above it does */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    prepare_mounts(sb);
    /* leave racelab's own folder: /proc/1/cwd must not lead into the project */
    if (chdir("/") != 0)
        _exit(127);
    pid_t program = fork();
    if (program < 0)
        _exit(127);
    if (program > 0) {
        int status = wait_for(program);
        (void)!write(status_pipe[1], &status, sizeof status);
        end_like(status);
    }
    close(status_pipe[1]);
    become_slot_user(sb, slot);
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* a change of user clears it */
    if (cwd && chdir(cwd) != 0) {
        dprintf(2, "racelab: cannot enter %s: %s\n", cwd, strerror(errno));
        _exit(127);
    }
    execve(argv[0], (char *const *)argv, (char *const *)envp);
    dprintf(2, "racelab: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

/* Tries a level in a throwaway child: true when a sandboxed /bin/true runs. */
static bool level_works(sandbox_level level)
{
    sandbox probe = {.level = level};
    pid_t pid = fork();
    if (pid < 0)
        return false;
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 1);
        dup2(null, 2);
        const char *argv[] = {"/bin/true", NULL}, *envp[] = {NULL};
        sandbox_exec(&probe, 0, "/", argv, envp);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void sandbox_detect(sandbox *sb)
{
    memset(sb, 0, sizeof *sb);
    sb->memory_mb = SANDBOX_MEMORY_MB;
    /* a range of 64 uids of its own, so two graders on one machine never
     * share a user (and so a process limit) */
    sb->uid_base = SANDBOX_UID_BASE + (uid_t)(getpid() % 100000) * 64;
    const char *cap = getenv("RACELAB_SANDBOX");
    sandbox_level most = SANDBOX_FULL;
    if (cap && strcmp(cap, "none") == 0)
        most = SANDBOX_NONE;
    else if (cap && strcmp(cap, "namespaces") == 0)
        most = SANDBOX_NAMESPACES;
    if (most >= SANDBOX_FULL && geteuid() == 0 && level_works(SANDBOX_FULL))
        sb->level = SANDBOX_FULL;
    else if (most >= SANDBOX_NAMESPACES && level_works(SANDBOX_NAMESPACES))
        sb->level = SANDBOX_NAMESPACES;
    cgroup_detect(&sb->cgroups, sb->memory_mb, SANDBOX_NPROC);
}

void sandbox_free(sandbox *sb)
{
    strlist_free(&sb->hide);
    strlist_free(&sb->keep);
    cgroup_free(&sb->cgroups);
    memset(sb, 0, sizeof *sb);
}
