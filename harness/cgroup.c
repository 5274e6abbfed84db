/*
 * cgroup.c - per-trial control groups (see cgroup.h).
 *
 * Where things are: /proc/self/cgroup names racelab's own cgroup in each
 * hierarchy ("4:memory:/a/b" on v1, "0::/a/b" on v2), /proc/self/mountinfo
 * where each hierarchy is mounted and which of its folders the mount shows
 * (its root: "/docker/ID" when a v1 container sees only its own part). The
 * folder of racelab's cgroup is the mount point plus its path below that
 * root; trial cgroups are made in it.
 *
 * Limits: pids.max on both versions; on v1 memory.limit_in_bytes and, where
 * swap is counted, memory.memsw.limit_in_bytes to the same value, so swap
 * cannot stretch the cap; on v2 memory.max, memory.swap.max = 0 and
 * memory.oom.group = 1, so an out-of-memory kill takes the whole trial, as
 * the watchdog does. On v1 the kernel kills only the largest process; the
 * runner sees the oom_kill counter and kills the rest itself.
 *
 * Removal: what is left in a trial's cgroup is killed (cgroup.kill on v2
 * since Linux 5.14, else SIGKILL to each process listed), and the folder
 * goes with rmdir() once the kernel has let the processes go. The runner
 * does not wait for that between runs (other runs have deadlines): such
 * cgroups wait in a list that cgroup_reap() empties, which run_all() calls
 * on every turn of its loop and, waiting, before it returns.
 *
 * All the files are written with one write() each, as cgroupfs wants.
 */
#include "cgroup.h"

#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CGROUP_PREFIX "racelab-"
#define CGROUP_EMPTY_WAIT 2.0 /* seconds a killed trial gets to leave its cgroup */

static unsigned next_trial; /* the N of racelab-PID-SLOT-N */
static strlist dying;       /* trial cgroups killed, not yet empty enough to remove */

/* Writes text to dir/file in one write(); false (errno kept) on failure. */
static bool write_text(const char *dir, const char *file, const char *text)
{
    char *path = path_join(dir, file);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    free(path);
    if (fd < 0)
        return false;
    size_t len = strlen(text);
    ssize_t n = write(fd, text, len);
    int saved = errno;
    close(fd);
    errno = saved;
    return n == (ssize_t)len;
}

/* Reads dir/file (a small cgroup file) into buf, NUL-terminated. */
static bool read_text(const char *dir, const char *file, char *buf, size_t cap)
{
    char *path = path_join(dir, file);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    free(path);
    if (fd < 0)
        return false;
    size_t len = 0;
    for (;;) {
        ssize_t n = read(fd, buf + len, cap - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || (len += (size_t)n) == cap - 1)
            break;
    }
    close(fd);
    buf[len] = '\0';
    return true;
}

/* The number after "key " in a flat-keyed file (memory.events, pids.events,
 * memory.oom_control), or -1 when the file or the key is missing. */
static long long keyed_value(const char *dir, const char *file, const char *key)
{
    char buf[4096];
    if (!dir || !read_text(dir, file, buf, sizeof buf))
        return -1;
    size_t klen = strlen(key);
    for (const char *line = buf; *line;) {
        if (strncmp(line, key, klen) == 0 && line[klen] == ' ')
            return strtoll(line + klen + 1, NULL, 10);
        const char *next = strchr(line, '\n');
        if (!next)
            break;
        line = next + 1;
    }
    return -1;
}

/* Whether word is one of the words of list (separated by blanks or commas). */
static bool has_word(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; (p = strstr(p, word)) != NULL; p += n) {
        bool starts = p == list || strchr(" ,\t\n", p[-1]);
        if (starts && (p[n] == '\0' || strchr(" ,\t\n", p[n])))
            return true;
    }
    return false;
}

/* Racelab's own cgroup, as a path inside its hierarchy: the v1 line of
 * /proc/self/cgroup naming the controller want, or the v2 line (want NULL). */
static char *own_cgroup_path(const char *want)
{
    FILE *f = fopen("/proc/self/cgroup", "re");
    if (!f)
        return NULL;
    char line[4096], *found = NULL;
    while (!found && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c2 = '\0';
        bool match = want ? has_word(c1 + 1, want) : strcmp(line, "0:") == 0;
        if (match && c2[1] == '/')
            found = xstrdup(c2 + 1);
    }
    fclose(f);
    return found;
}

/* Where a hierarchy is mounted: the cgroup2 mount (want NULL), or the v1
 * mount whose options name the controller want. *root gets the folder of
 * the hierarchy that the mount shows. */
static char *hierarchy_mount(const char *want, char **root)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return NULL;
    char line[8192], *found = NULL;
    while (!found && fgets(line, sizeof line, f)) {
        /* id parent dev root mountpoint options [optional...] - type source super */
        char *field[6], *save = NULL, *tok = strtok_r(line, " \n", &save);
        int n = 0;
        while (tok && n < 6) {
            field[n++] = tok;
            tok = strtok_r(NULL, " \n", &save);
        }
        while (tok && strcmp(tok, "-") != 0)
            tok = strtok_r(NULL, " \n", &save);
        char *type = tok ? strtok_r(NULL, " \n", &save) : NULL;
        char *source = type ? strtok_r(NULL, " \n", &save) : NULL;
        char *super = source ? strtok_r(NULL, " \n", &save) : NULL;
        if (n < 6 || !super || strchr(field[4], '\\') || strchr(field[3], '\\'))
            continue; /* escaped blanks: not a mount racelab made or needs */
        bool match = want ? strcmp(type, "cgroup") == 0 && has_word(super, want)
                          : strcmp(type, "cgroup2") == 0;
        if (match) {
            found = xstrdup(field[4]);
            *root = xstrdup(field[3]);
        }
    }
    fclose(f);
    return found;
}

/* The folder of racelab's own cgroup in a hierarchy (see hierarchy_mount),
 * or NULL when it is not mounted or not visible from here. */
static char *own_cgroup_dir(const char *want)
{
    char *root = NULL, *mount = hierarchy_mount(want, &root), *path = own_cgroup_path(want);
    char *dir = NULL;
    if (mount && path) {
        size_t n = strlen(root);
        const char *below = NULL;
        if (strcmp(root, "/") == 0)
            below = path;
        else if (strncmp(path, root, n) == 0 && (path[n] == '/' || path[n] == '\0'))
            below = path + n;
        if (below && !strstr(below, "/..")) /* "/../..": outside this cgroup namespace */
            dir = strcmp(below, "/") == 0 || !*below ? xstrdup(mount)
                                                     : xasprintf("%s%s", mount, below);
    }
    if (dir && !path_is_dir(dir)) {
        free(dir);
        dir = NULL;
    }
    free(root);
    free(mount);
    free(path);
    return dir;
}

/* SIGKILLs every process listed in dir/cgroup.procs; returns how many. */
static unsigned kill_listed(const char *dir)
{
    char *path = path_join(dir, "cgroup.procs");
    FILE *f = fopen(path, "re");
    free(path);
    if (!f)
        return 0;
    unsigned n = 0;
    long pid;
    while (fscanf(f, "%ld", &pid) == 1) {
        n++;
        if (pid > 0 && pid != (long)getpid())
            kill((pid_t)pid, SIGKILL);
    }
    fclose(f);
    return n;
}

/* One pass over the cgroup dir: removes it, or kills what is in it and
 * tries again. True when it is gone; killed processes usually need a moment
 * to leave, so false is the rule the first time. */
static bool try_remove(const char *dir)
{
    if (rmdir(dir) == 0 || errno == ENOENT)
        return true;
    if (!write_text(dir, "cgroup.kill", "1"))
        kill_listed(dir);
    return rmdir(dir) == 0 || errno == ENOENT;
}

/* The racelab pid in the name racelab-PID or racelab-PID-SLOT-N, or 0 when
 * the name is not one of racelab's cgroups. */
static pid_t owner_of(const char *name)
{
    if (strncmp(name, CGROUP_PREFIX, strlen(CGROUP_PREFIX)) != 0)
        return 0;
    const char *p = name + strlen(CGROUP_PREFIX);
    char *end;
    long pid = strtol(p, &end, 10);
    if (end == p || pid <= 0 || !(*p >= '0' && *p <= '9'))
        return 0;
    for (int part = 0; part < 2 && *end; part++) {
        if (*end != '-' || !(end[1] >= '0' && end[1] <= '9'))
            return 0;
        strtoul(end + 1, &end, 10);
    }
    return *end ? 0 : (pid_t)pid;
}

/* Removes, below parent, the empty cgroups of racelab runs whose process
 * is gone (crashed, or killed with SIGKILL before it could clean up). One
 * that still holds processes is left alone: they may belong to a racelab
 * in another pid namespace, whose pid means nothing here. */
static void remove_stale(cgroup_setup *cg, const char *parent)
{
    DIR *d = opendir(parent);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        pid_t owner = owner_of(e->d_name);
        if (owner <= 0 || owner == getpid() || kill(owner, 0) == 0 || errno != ESRCH)
            continue;
        char *dir = path_join(parent, e->d_name);
        if (rmdir(dir) == 0)
            cg->stale_removed++;
        free(dir);
    }
    closedir(d);
}

/* Sets the limits of a new trial cgroup. */
static bool set_limits(const cgroup_setup *cg, const cgroup_trial *t)
{
    char pids[32], bytes[32];
    snprintf(pids, sizeof pids, "%u", cg->pids_max);
    snprintf(bytes, sizeof bytes, "%llu", (unsigned long long)cg->memory_mb << 20);
    if (!write_text(t->pids_dir, "pids.max", pids))
        return false;
    if (cg->version == CGROUP_V1)
        return write_text(t->memory_dir, "memory.limit_in_bytes", bytes) &&
               (!cg->memsw || write_text(t->memory_dir, "memory.memsw.limit_in_bytes", bytes));
    char *swap = path_join(t->pids_dir, "memory.swap.max");
    bool swap_counted = path_exists(swap);
    free(swap);
    write_text(t->pids_dir, "memory.oom.group", "1"); /* since Linux 4.19 */
    return write_text(t->pids_dir, "memory.max", bytes) &&
           (!swap_counted || write_text(t->pids_dir, "memory.swap.max", "0"));
}

bool cgroup_trial_make(const cgroup_setup *cg, int slot, cgroup_trial *t)
{
    memset(t, 0, sizeof *t);
    if (!cg || cg->version == CGROUP_OFF)
        return false;
    t->version = cg->version;
    /* a name taken by a run that had this pid before: the next number */
    for (int attempt = 0; attempt < 8 && !t->pids_dir; attempt++) {
        char name[64];
        snprintf(name, sizeof name, CGROUP_PREFIX "%d-%d-%u", (int)getpid(), slot, next_trial++);
        char *pids = path_join(cg->pids_parent, name);
        if (mkdir(pids, 0755) != 0) {
            int e = errno;
            free(pids);
            if (e == EEXIST)
                continue;
            return false;
        }
        if (cg->version == CGROUP_V1) {
            char *memory = path_join(cg->memory_parent, name);
            if (mkdir(memory, 0755) != 0) {
                int e = errno;
                rmdir(pids);
                free(pids);
                free(memory);
                if (e == EEXIST)
                    continue;
                return false;
            }
            t->memory_dir = memory;
        }
        t->pids_dir = pids;
    }
    if (!t->pids_dir)
        return false;
    if (!set_limits(cg, t)) {
        cgroup_trial_remove(t);
        return false;
    }
    return true;
}

bool cgroup_trial_enter(cgroup_trial *t, pid_t pid)
{
    if (!t->pids_dir)
        return false;
    char num[32];
    snprintf(num, sizeof num, "%d", (int)pid);
    t->pids_limited = write_text(t->pids_dir, "cgroup.procs", num);
    t->memory_limited =
        t->version == CGROUP_V1 ? write_text(t->memory_dir, "cgroup.procs", num) : t->pids_limited;
    return t->pids_limited && t->memory_limited;
}

void cgroup_trial_kill(const cgroup_trial *t)
{
    if (t->pids_dir && !write_text(t->pids_dir, "cgroup.kill", "1"))
        kill_listed(t->pids_dir);
    if (t->memory_dir)
        kill_listed(t->memory_dir);
}

bool cgroup_trial_out_of_memory(const cgroup_trial *t, bool killed)
{
    if (!t->memory_limited)
        return false;
    if (t->version == CGROUP_V2)
        return keyed_value(t->pids_dir, "memory.events", "oom_kill") > 0;
    long long kills = keyed_value(t->memory_dir, "memory.oom_control", "oom_kill");
    if (kills >= 0)
        return kills > 0;
    /* before Linux 4.13: the cap was hit, and something died of SIGKILL */
    char buf[64];
    return killed && read_text(t->memory_dir, "memory.failcnt", buf, sizeof buf) &&
           strtoll(buf, NULL, 10) > 0;
}

bool cgroup_trial_hit_pids_max(const cgroup_trial *t)
{
    return t->pids_limited && keyed_value(t->pids_dir, "pids.events", "max") > 0;
}

bool cgroup_trial_remove(cgroup_trial *t)
{
    bool gone = true;
    char *dirs[2] = {t->pids_dir, t->memory_dir};
    for (int i = 0; i < 2; i++) {
        if (!dirs[i])
            continue;
        if (try_remove(dirs[i])) {
            free(dirs[i]);
        } else {
            strlist_push_owned(&dying, dirs[i]);
            gone = false;
        }
    }
    memset(t, 0, sizeof *t);
    return gone;
}

bool cgroup_reap(double wait)
{
    double until = now_seconds() + wait;
    for (;;) {
        size_t kept = 0;
        for (size_t i = 0; i < dying.n; i++) {
            if (try_remove(dying.items[i]))
                free(dying.items[i]);
            else
                dying.items[kept++] = dying.items[i];
        }
        dying.n = kept;
        if (kept == 0 || now_seconds() >= until)
            return kept == 0;
        usleep(2000);
    }
}

/* Makes and removes one trial cgroup: true when this racelab may. */
static bool trial_cgroups_work(const cgroup_setup *cg)
{
    cgroup_trial t;
    return cgroup_trial_make(cg, 0, &t) && (cgroup_trial_remove(&t) || cgroup_reap(0.1));
}

/* Whether racelab is the only process in the cgroup dir. */
static bool alone_in(const char *dir)
{
    char buf[256];
    if (!read_text(dir, "cgroup.procs", buf, sizeof buf))
        return false;
    char *end;
    long pid = strtol(buf, &end, 10);
    while (*end == '\n' || *end == ' ')
        end++;
    return pid == (long)getpid() && *end == '\0';
}

/* Hands the pids and memory controllers, those of them not yet in on, to
 * the children of v2 cgroup dir: directly where the kernel allows (the
 * hierarchy's root), else, when racelab is alone in dir, after moving
 * itself into a leaf below it (a cgroup with processes of its own may not
 * give controllers to its children). The leaf is undone by cgroup_free. */
static bool delegate(cgroup_setup *cg, const char *dir, const char *on)
{
    char want[64] = "";
    if (!has_word(on, "pids"))
        strcat(want, "+pids ");
    if (!has_word(on, "memory"))
        strcat(want, "+memory ");
    want[strlen(want) - 1] = '\0';
    if (write_text(dir, "cgroup.subtree_control", want))
        return true;
    if (errno != EBUSY || !alone_in(dir))
        return false;
    char *leaf = xasprintf("%s/" CGROUP_PREFIX "%d", dir, (int)getpid());
    char me[32];
    snprintf(me, sizeof me, "%d", (int)getpid());
    if ((mkdir(leaf, 0755) != 0 && errno != EEXIST) || !write_text(leaf, "cgroup.procs", me)) {
        rmdir(leaf);
        free(leaf);
        return false;
    }
    cg->home = xstrdup(dir);
    cg->leaf = leaf;
    if (!write_text(dir, "cgroup.subtree_control", want))
        return false;
    cg->enabled = xstrdup(want);
    return true;
}

/* cgroup v2: racelab's own cgroup offers pids and memory, and racelab can
 * give them to trial cgroups. */
static bool detect_v2(cgroup_setup *cg)
{
    char have[512], on[512];
    char *dir = own_cgroup_dir(NULL);
    if (!dir || !read_text(dir, "cgroup.controllers", have, sizeof have) ||
        !has_word(have, "pids") || !has_word(have, "memory") ||
        !read_text(dir, "cgroup.subtree_control", on, sizeof on)) {
        free(dir);
        return false;
    }
    cg->version = CGROUP_V2;
    cg->pids_parent = dir;
    remove_stale(cg, dir);
    if (!(has_word(on, "pids") && has_word(on, "memory")) && !delegate(cg, dir, on))
        return false;
    return trial_cgroups_work(cg);
}

/* cgroup v1: racelab may make cgroups below its own in the pids and the
 * memory hierarchies. */
static bool detect_v1(cgroup_setup *cg)
{
    cg->pids_parent = own_cgroup_dir("pids");
    cg->memory_parent = own_cgroup_dir("memory");
    if (!cg->pids_parent || !cg->memory_parent)
        return false;
    cg->version = CGROUP_V1;
    remove_stale(cg, cg->pids_parent);
    remove_stale(cg, cg->memory_parent);
    char *memsw = path_join(cg->memory_parent, "memory.memsw.limit_in_bytes");
    cg->memsw = path_exists(memsw);
    free(memsw);
    return trial_cgroups_work(cg);
}

/* Back to nothing used (after a failed detection): undoes a v2 leaf. */
static void reset(cgroup_setup *cg)
{
    unsigned long memory_mb = cg->memory_mb;
    unsigned pids_max = cg->pids_max, stale = cg->stale_removed;
    cgroup_free(cg);
    cg->memory_mb = memory_mb;
    cg->pids_max = pids_max;
    cg->stale_removed = stale;
}

void cgroup_detect(cgroup_setup *cg, unsigned long memory_mb, unsigned pids_max)
{
    memset(cg, 0, sizeof *cg);
    cg->memory_mb = memory_mb;
    cg->pids_max = pids_max;
    const char *env = getenv("RACELAB_CGROUPS");
    if (env && (strcmp(env, "0") == 0 || strcmp(env, "off") == 0 || strcmp(env, "no") == 0))
        return;
    if (detect_v2(cg))
        return;
    reset(cg);
    if (detect_v1(cg))
        return;
    reset(cg);
}

char *cgroup_describe(const cgroup_setup *cg)
{
    if (cg->version == CGROUP_OFF)
        return NULL;
    return xasprintf("a cgroup v%d per trial (%u tasks, %lu MB of memory)",
                     cg->version == CGROUP_V1 ? 1 : 2, cg->pids_max, cg->memory_mb);
}

/* Out of the v2 leaf and back home, with home's controllers as they were. */
static void leave_leaf(cgroup_setup *cg)
{
    if (cg->enabled) {
        char *off = xstrdup(cg->enabled);
        for (char *p = off; *p; p++)
            if (*p == '+')
                *p = '-';
        write_text(cg->home, "cgroup.subtree_control", off);
        free(off);
    }
    char me[32];
    snprintf(me, sizeof me, "%d", (int)getpid());
    if (write_text(cg->home, "cgroup.procs", me))
        rmdir(cg->leaf);
}

void cgroup_free(cgroup_setup *cg)
{
    cgroup_reap(CGROUP_EMPTY_WAIT);
    if (cg->leaf)
        leave_leaf(cg);
    free(cg->pids_parent);
    free(cg->memory_parent);
    free(cg->home);
    free(cg->leaf);
    free(cg->enabled);
    memset(cg, 0, sizeof *cg);
}
