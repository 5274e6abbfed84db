/*
 * run.c - the process pool behind run.h.
 *
 * One single-threaded event loop: start children while slots are free, poll
 * their output pipes with a short timeout, reap those that ended, and kill
 * the process group of any child past its deadline. When a child's leader
 * exits, whatever it left in its group is killed too, so a stray grandchild
 * holding the pipe open cannot stall the grader.
 *
 * Where the sandbox has cgroups, each run gets one (cgroup.h): made before
 * the fork, entered by the child before it runs anything (it waits on a
 * pipe until racelab has moved it in), searched for survivors and removed
 * when the run ends. In a cgroup the kernel enforces the memory cap and the
 * runner only notices its kills; elsewhere the runner's watchdog sums the
 * resident memory of the run's processes.
 */
#include "run.h"

#include "hang_stacks.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define RUN_DEFAULT_FSIZE (64UL * 1024 * 1024)
#define RUN_OPEN_FILES 256
#define RUN_POLL_MS 50
#define RUN_MEMORY_CHECK 0.2 /* seconds between looks at a run's resident memory */
#define RUN_CGROUP_WAIT 2.0  /* seconds run_all waits, at its end, for killed runs' cgroups */

typedef struct {
    size_t index; /* into specs/outs */
    int id;       /* a slot number no running program shares (for per-slot users) */
    double next_memory_check;
    bool out_of_memory;
    pid_t pid;
    int fd; /* read end of the output pipe, -1 once closed */
    double start, deadline;
    bool exited, timed_out;
    bool cut;              /* its deadline was shortened after another run hung */
    double stacks_seconds; /* spent taking its stacks at the deadline (racelab's time) */
    int wstatus;
    strbuf out;
    cgroup_trial cg; /* the run's cgroup, when it has one */
} slot;

static void set_limit(int resource, rlim_t value)
{
    struct rlimit rl = {value, value};
    setrlimit(resource, &rl);
}

/* In the child: everything between fork and exec. Never returns. */
static void child_exec(const run_spec *s, int out_fd, int gate_fd, int slot_id)
{
    /* if racelab dies, so does every run it started */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    /* nothing of the run may start outside its cgroup: wait until racelab
     * has moved this process in (it writes one byte either way) */
    if (gate_fd >= 0) {
        char go;
        while (read(gate_fd, &go, 1) < 0 && errno == EINTR)
            ;
    }
    setsid();
    for (int sig = 1; sig < NSIG; sig++)
        signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);

    int in = open(s->stdin_path ? s->stdin_path : "/dev/null", O_RDONLY);
    if (in < 0 || dup2(in, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
        _exit(127);
    close_range(3, ~0U, 0);
    double cpu = s->timeout * 2 + 1;
    set_limit(RLIMIT_CPU, (rlim_t)cpu);
    set_limit(RLIMIT_FSIZE, s->file_size ? s->file_size : RUN_DEFAULT_FSIZE);
    set_limit(RLIMIT_NOFILE, RUN_OPEN_FILES);
    set_limit(RLIMIT_CORE, 0);
    /* below racelab itself, so a fork bomb cannot starve the loop that stops it */
    (void)!setpriority(PRIO_PROCESS, 0, 10);
    if (s->no_aslr)
        personality(ADDR_NO_RANDOMIZE);
    if (s->join > 0)
        sandbox_exec_joined(s->join, s->cwd, s->argv, s->envp);
    sandbox_exec(s->sandbox, slot_id, s->cwd, s->argv, s->envp);
}

/* After another run hung: at most s->timeout_after_hang seconds from the
 * slot's start. */
static void slot_cut(slot *sl, const run_spec *s)
{
    double cut = sl->start + s->timeout_after_hang;
    if (s->timeout_after_hang > 0 && cut < sl->deadline) {
        sl->deadline = cut;
        sl->cut = true;
    }
}

static bool slot_start(slot *sl, const run_spec *s, size_t index, int id, bool hung, run_outcome *o)
{
    memset(sl, 0, sizeof *sl);
    sl->index = index;
    sl->id = id;
    sl->fd = -1;
    sb_init(&sl->out);
    int p[2], gate[2] = {-1, -1};
    if (pipe2(p, O_CLOEXEC) != 0) {
        sb_printf(&sl->out, "racelab: cannot create a pipe: %s\n", strerror(errno));
        return false;
    }
    /* without a cgroup the run still goes ahead, under the watchdog */
    if (s->sandbox && cgroup_trial_make(&s->sandbox->cgroups, id, &sl->cg) &&
        pipe2(gate, O_CLOEXEC) != 0)
        cgroup_trial_remove(&sl->cg);
    sl->start = now_seconds();
    sl->deadline = sl->start + s->timeout;
    if (hung)
        slot_cut(sl, s);
    pid_t pid = fork();
    if (pid < 0) {
        sb_printf(&sl->out, "racelab: cannot start a process: %s\n", strerror(errno));
        close(p[0]);
        close(p[1]);
        if (gate[0] >= 0) {
            close(gate[0]);
            close(gate[1]);
        }
        cgroup_trial_remove(&sl->cg);
        return false;
    }
    if (pid == 0) {
        close(p[0]);
        if (gate[1] >= 0)
            close(gate[1]);
        child_exec(s, p[1], gate[0], id);
    }
    setpgid(pid, pid); /* harmless if the child's setsid() came first */
    close(p[1]);
    if (gate[0] >= 0) {
        cgroup_trial_enter(&sl->cg, pid);
        /* the read end closes only now: a child killed meanwhile must not
         * turn this write into a SIGPIPE for racelab */
        (void)!write(gate[1], "g", 1);
        close(gate[0]);
        close(gate[1]);
    }
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    sl->pid = pid;
    sl->fd = p[0];
    (void)o;
    return true;
}

/* Reads what is available on the slot's pipe, keeping up to cap bytes. */
static void slot_drain(slot *sl, size_t cap, bool *truncated)
{
    char buf[65536];
    for (;;) {
        ssize_t n = read(sl->fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return; /* EAGAIN: nothing more for now */
        if (n == 0) {
            close(sl->fd);
            sl->fd = -1;
            return;
        }
        size_t room = sl->out.len < cap ? cap - sl->out.len : 0;
        if ((size_t)n > room)
            *truncated = true;
        sb_appendn(&sl->out, buf, (size_t)n < room ? (size_t)n : room);
    }
}

static void slot_finish(slot *sl, run_outcome *o)
{
    /* the time gdb took to look at a hung run is racelab's, not the run's */
    o->seconds = now_seconds() - sl->start - sl->stacks_seconds;
    if (sl->out_of_memory) {
        o->end = RUN_OUT_OF_MEMORY;
    } else if (sl->timed_out) {
        o->end = RUN_TIMED_OUT;
        o->cut_short = sl->cut;
    } else if (WIFSIGNALED(sl->wstatus)) {
        o->end = RUN_SIGNALED;
        o->signal = WTERMSIG(sl->wstatus);
    } else {
        o->end = RUN_EXITED;
        o->exit_code = WEXITSTATUS(sl->wstatus);
    }
    o->output_len = sl->out.len;
    o->output = sb_take(&sl->out);
}

/* What the run's cgroup saw: an out-of-memory kill (the same outcome as
 * the watchdog's), the task cap reached. */
static void slot_cgroup_events(slot *sl, const run_spec *s, run_outcome *o)
{
    bool killed = WIFSIGNALED(sl->wstatus) && WTERMSIG(sl->wstatus) == SIGKILL;
    if (cgroup_trial_out_of_memory(&sl->cg, killed))
        sl->out_of_memory = true;
    if (cgroup_trial_hit_pids_max(&sl->cg))
        o->process_cap = s->sandbox->cgroups.pids_max;
}

/* Resident kilobytes of the processes that belong to a run: those in its
 * process group, or, with a per-slot user, every process of that user. */
static long run_resident_kb(pid_t group, uid_t uid)
{
    DIR *d = opendir("/proc");
    if (!d)
        return 0;
    long total = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        char path[64], line[256];
        snprintf(path, sizeof path, "/proc/%s/status", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        long rss = 0, owner = -1;
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, "Uid:", 4) == 0)
                owner = strtol(line + 4, NULL, 10);
            else if (strncmp(line, "VmRSS:", 6) == 0)
                rss = strtol(line + 6, NULL, 10);
        }
        fclose(f);
        bool ours =
            uid != (uid_t)-1 ? owner == (long)uid : getpgid((pid_t)atol(e->d_name)) == group;
        if (ours)
            total += rss;
    }
    closedir(d);
    return total;
}

/* True when the run uses more resident memory than its sandbox allows
 * (looked at every RUN_MEMORY_CHECK seconds). */
static bool over_memory(slot *sl, const run_spec *s)
{
    if (!s->sandbox || !s->sandbox->memory_mb || now_seconds() < sl->next_memory_check)
        return false;
    sl->next_memory_check = now_seconds() + RUN_MEMORY_CHECK;
    /* in a memory cgroup the kernel keeps the cap, counting each page once,
     * and kills a process at it; the rest of the run is stopped here */
    if (sl->cg.memory_limited)
        return cgroup_trial_out_of_memory(&sl->cg, false);
    long kb = run_resident_kb(sl->pid, sandbox_uid(s->sandbox, sl->id));
    return kb > (long)s->sandbox->memory_mb * 1024;
}

/* Advances one running slot: reap, enforce the deadline, collect output.
 * Returns true when the slot is done. */
static bool slot_step(slot *sl, const run_spec *s, run_outcome *o, int *stacks_left)
{
    if (sl->fd >= 0)
        slot_drain(sl, s->output_cap, &o->output_truncated);
    if (!sl->exited) {
        pid_t r = waitpid(sl->pid, &sl->wstatus, WNOHANG);
        if (r == sl->pid) {
            sl->exited = true;
            /* the leader is gone: nothing it left behind may outlive it */
            kill(-sl->pid, SIGKILL);
        } else if (now_seconds() >= sl->deadline) {
            sl->timed_out = true;
            if (s->take_stacks && *stacks_left > 0) {
                double before = now_seconds();
                (*stacks_left)--;
                o->stacks = hang_stacks_take(sl->pid);
                sl->stacks_seconds = now_seconds() - before;
            }
            kill(-sl->pid, SIGKILL);
            kill(sl->pid, SIGKILL);
            cgroup_trial_kill(&sl->cg);
            waitpid(sl->pid, &sl->wstatus, 0);
            sl->exited = true;
        } else if (over_memory(sl, s)) {
            sl->out_of_memory = true;
            kill(-sl->pid, SIGKILL);
            kill(sl->pid, SIGKILL);
            cgroup_trial_kill(&sl->cg);
            waitpid(sl->pid, &sl->wstatus, 0);
            sl->exited = true;
        }
    }
    if (sl->exited && sl->fd >= 0) {
        slot_drain(sl, s->output_cap, &o->output_truncated);
        if (sl->fd >= 0) { /* a writer outside the group may hold the pipe: stop here */
            close(sl->fd);
            sl->fd = -1;
        }
    }
    if (!sl->exited)
        return false;
    slot_cgroup_events(sl, s, o);
    slot_finish(sl, o);
    /* kills what is left of the run, anywhere; cgroup_reap() removes the
     * cgroup once the killed processes are gone */
    cgroup_trial_remove(&sl->cg);
    return true;
}

static int poll_timeout_ms(const slot *slots, int nslots)
{
    double now = now_seconds();
    int ms = RUN_POLL_MS;
    for (int i = 0; i < nslots; i++) {
        int left = (int)((slots[i].deadline - now) * 1000) + 1;
        if (left < ms)
            ms = left < 0 ? 0 : left;
    }
    return ms;
}

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
}

void run_stop_on_interrupt(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

bool run_interrupted(void)
{
    return interrupted != 0;
}

/* Kills and reaps every running slot (racelab itself is being stopped). */
static void stop_all(slot *slots, int active, const run_spec *specs, run_outcome *outs)
{
    for (int i = 0; i < active; i++) {
        kill(-slots[i].pid, SIGKILL);
        kill(slots[i].pid, SIGKILL);
        waitpid(slots[i].pid, &slots[i].wstatus, 0);
        slots[i].exited = slots[i].timed_out = true;
        if (slots[i].fd >= 0)
            close(slots[i].fd);
        slots[i].fd = -1;
        slot_finish(&slots[i], &outs[slots[i].index]);
        cgroup_trial_remove(&slots[i].cg);
        (void)specs;
    }
}

rl_status run_all(const run_spec *specs, run_outcome *outs, size_t n, int jobs, rl_err *err)
{
    if (jobs < 1)
        jobs = 1;
    memset(outs, 0, n * sizeof *outs);
    slot *slots = xcalloc((size_t)jobs, sizeof *slots);
    struct pollfd *pfds = xcalloc((size_t)jobs, sizeof *pfds);
    bool *id_used = xcalloc((size_t)jobs, sizeof *id_used);
    int active = 0, stacks_left = RUN_STACKS_TAKEN;
    bool hung = false;
    size_t next = 0;
    while (next < n || active > 0) {
        if (interrupted) {
            stop_all(slots, active, specs, outs);
            cgroup_reap(RUN_CGROUP_WAIT);
            free(slots);
            free(pfds);
            free(id_used);
            return rl_fail(err, RL_ERR_INTERNAL, "racelab was interrupted");
        }
        while (active < jobs && next < n) {
            slot *sl = &slots[active];
            int id = 0;
            while (id_used[id])
                id++;
            if (slot_start(sl, &specs[next], next, id, hung, &outs[next])) {
                id_used[id] = true;
                active++;
            } else {
                outs[next].end = RUN_NOT_STARTED;
                outs[next].output_len = sl->out.len;
                outs[next].output = sb_take(&sl->out);
            }
            next++;
        }
        int npfd = 0;
        for (int i = 0; i < active; i++)
            if (slots[i].fd >= 0)
                pfds[npfd++] = (struct pollfd){.fd = slots[i].fd, .events = POLLIN};
        int ms = poll_timeout_ms(slots, active);
        if (npfd > 0)
            poll(pfds, (nfds_t)npfd, ms);
        else if (active > 0)
            usleep((useconds_t)(ms > 5 ? 5 : ms) * 1000);
        for (int i = 0; i < active;) {
            if (slot_step(&slots[i], &specs[slots[i].index], &outs[slots[i].index], &stacks_left)) {
                if (outs[slots[i].index].end == RUN_TIMED_OUT && !hung) {
                    hung = true;
                    for (int k = 0; k < active; k++)
                        if (k != i)
                            slot_cut(&slots[k], &specs[slots[k].index]);
                }
                id_used[slots[i].id] = false;
                slots[i] = slots[--active];
            } else
                i++;
        }
        cgroup_reap(0); /* never waits here: other runs have deadlines */
    }
    cgroup_reap(RUN_CGROUP_WAIT);
    free(slots);
    free(pfds);
    free(id_used);
    (void)err;
    return RL_OK;
}

void run_outcome_free(run_outcome *o)
{
    free(o->output);
    free(o->stacks);
    memset(o, 0, sizeof *o);
}

/* How the run ended, in words. */
static char *describe_end(const run_outcome *o, double timeout)
{
    switch (o->end) {
    case RUN_EXITED:
        return xasprintf("exited with status %d", o->exit_code);
    case RUN_SIGNALED:
        return xasprintf("killed by signal %d (%s)", o->signal, strsignal(o->signal));
    case RUN_TIMED_OUT:
        return xasprintf("did not finish within %.1f s and was stopped (a deadlock or an endless "
                         "loop?)",
                         timeout);
    case RUN_NOT_STARTED:
        return xstrdup("could not be started");
    case RUN_OUT_OF_MEMORY:
        return xasprintf("used more memory than a run may (%u MB) and was stopped",
                         (unsigned)SANDBOX_MEMORY_MB);
    }
    return xstrdup("ended in an unknown way");
}

char *run_outcome_describe(const run_outcome *o, double timeout)
{
    char *end = describe_end(o, timeout);
    if (!o->process_cap)
        return end;
    char *both = xasprintf("%s; it tried to have more than %u processes and threads at once, the "
                           "most a run may (a fork bomb?)",
                           end, o->process_cap);
    free(end);
    return both;
}
