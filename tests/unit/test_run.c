/*
 * test_run.c - the process pool: exit statuses and signals are reported,
 * output is capped without blocking the child, a timeout kills the whole
 * process group (grandchildren too), a program that cannot start is said so,
 * and several programs really run at once.
 *
 * Then the per-run cgroups (cgroup.h), each case with cgroups on and, as
 * the fallback, off (RACELAB_CGROUPS=0): a memory hog is stopped either
 * way; pages shared by several processes count once in a cgroup (the
 * watchdog counts them once per process); the process cap is reported;
 * nothing escapes a cgroup's kill; no racelab-* cgroup outlives its run,
 * an interrupted run_all, or the racelab that made it. Where this machine
 * gives no cgroups, each such test says so in one line and checks the
 * fallback alone. The helpers these runs start are this program itself
 * (main's first argument names one).
 */
#include "run.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

static const char *const env[] = {"PATH=/usr/bin:/bin", NULL};

static run_outcome sh(const char *script, double timeout, size_t cap)
{
    const char *argv[] = {"/bin/sh", "-c", script, NULL};
    run_spec s = {.argv = argv, .envp = env, .cwd = "/", .timeout = timeout, .output_cap = cap};
    run_outcome o;
    assert_int_equal(run_all(&s, &o, 1, 1, NULL), RL_OK);
    return o;
}

static void exit_status_and_output_are_kept(void **state)
{
    (void)state;
    run_outcome o = sh("echo out; echo err >&2; exit 3", 10, 1024);
    assert_int_equal(o.end, RUN_EXITED);
    assert_int_equal(o.exit_code, 3);
    assert_non_null(strstr(o.output, "out\n"));
    assert_non_null(strstr(o.output, "err\n"));
    assert_false(o.output_truncated);
    run_outcome_free(&o);
}

static void signal_is_reported(void **state)
{
    (void)state;
    run_outcome o = sh("kill -SEGV $$", 10, 1024);
    assert_int_equal(o.end, RUN_SIGNALED);
    assert_int_equal(o.signal, SIGSEGV);
    char *d = run_outcome_describe(&o, 10);
    assert_non_null(strstr(d, "signal 11"));
    free(d);
    run_outcome_free(&o);
}

static void huge_output_is_capped_and_never_blocks(void **state)
{
    (void)state;
    double start = now_seconds();
    run_outcome o = sh("head -c 50000000 /dev/zero | tr '\\0' x", 30, 1000);
    assert_int_equal(o.end, RUN_EXITED);
    assert_int_equal(o.output_len, 1000);
    assert_true(o.output_truncated);
    assert_true(now_seconds() - start < 20);
    run_outcome_free(&o);
}

static void timeout_kills_the_whole_group(void **state)
{
    (void)state;
    char *dir = NULL;
    assert_int_equal(dir_make_temp("runtest", &dir, NULL), RL_OK);
    /* the grandchild ignores TERM and would write a file after 3 s */
    char *script =
        xasprintf("trap '' TERM; (trap '' TERM; sleep 3; touch %s/late) & sleep 60", dir);
    double start = now_seconds();
    run_outcome o = sh(script, 0.5, 1024);
    double took = now_seconds() - start;
    assert_int_equal(o.end, RUN_TIMED_OUT);
    assert_true(took < 2.5);
    char *d = run_outcome_describe(&o, 0.5);
    assert_non_null(strstr(d, "did not finish within 0.5 s"));
    free(d);
    sleep(4);
    char *late = path_join(dir, "late");
    assert_false(path_exists(late));
    free(late);
    free(script);
    run_outcome_free(&o);
    dir_remove_tree(dir, NULL);
    free(dir);
}

static void leftover_background_child_does_not_stall(void **state)
{
    (void)state;
    /* the leader exits at once, leaving a child holding the output pipe */
    double start = now_seconds();
    run_outcome o = sh("sleep 30 & echo done", 60, 1024);
    assert_int_equal(o.end, RUN_EXITED);
    assert_true(now_seconds() - start < 5);
    run_outcome_free(&o);
}

static void missing_program_is_not_started_or_127(void **state)
{
    (void)state;
    const char *argv[] = {"/nonexistent/prog", NULL};
    run_spec s = {.argv = argv, .envp = env, .cwd = "/", .timeout = 5, .output_cap = 1024};
    run_outcome o;
    assert_int_equal(run_all(&s, &o, 1, 1, NULL), RL_OK);
    assert_true(o.end == RUN_NOT_STARTED || (o.end == RUN_EXITED && o.exit_code == 127));
    assert_non_null(strstr(o.output, "cannot run /nonexistent/prog"));
    run_outcome_free(&o);
}

static void environment_is_only_what_was_given(void **state)
{
    (void)state;
    setenv("RACELAB_SECRET", "leak", 1);
    run_outcome o = sh("env", 5, 4096);
    assert_null(strstr(o.output, "RACELAB_SECRET"));
    assert_non_null(strstr(o.output, "PATH=/usr/bin:/bin"));
    run_outcome_free(&o);
}

static void jobs_run_at_once(void **state)
{
    (void)state;
    const char *argv[] = {"/bin/sh", "-c", "sleep 1", NULL};
    run_spec s[4];
    for (int i = 0; i < 4; i++)
        s[i] = (run_spec){.argv = argv, .envp = env, .cwd = "/", .timeout = 10, .output_cap = 64};
    run_outcome o[4];
    double start = now_seconds();
    assert_int_equal(run_all(s, o, 4, 4, NULL), RL_OK);
    double took = now_seconds() - start;
    assert_true(took < 2.5); /* serially it would take 4 s */
    for (int i = 0; i < 4; i++) {
        assert_int_equal(o[i].end, RUN_EXITED);
        run_outcome_free(&o[i]);
    }
}

/* Once one run hung, runs asking for it get timeout_after_hang: one still
 * running is stopped sooner, later ones start with the shorter limit, and a
 * run that finishes in time, or does not ask, is left alone. */
static void runs_after_a_hang_get_the_shorter_limit(void **state)
{
    (void)state;
    const char *hang[] = {"/bin/sh", "-c", "sleep 30", NULL};
    const char *quick[] = {"/bin/sh", "-c", "sleep 0.1; echo done", NULL};
    run_spec s[5];
    for (int i = 0; i < 5; i++)
        s[i] = (run_spec){.argv = hang,
                          .envp = env,
                          .cwd = "/",
                          .timeout = 1.5,
                          .output_cap = 64,
                          .timeout_after_hang = 0.3};
    s[1].timeout = 30;           /* running beside the first when it hangs */
    s[3].argv = quick;           /* finishes within the shorter limit */
    s[4].timeout_after_hang = 0; /* does not ask */
    run_outcome o[5];
    double start = now_seconds();
    assert_int_equal(run_all(s, o, 5, 2, NULL), RL_OK);
    double took = now_seconds() - start;
    assert_int_equal(o[0].end, RUN_TIMED_OUT);
    assert_false(o[0].cut_short);
    assert_true(o[0].seconds >= 1.4);
    assert_int_equal(o[1].end, RUN_TIMED_OUT); /* 30 s limit, stopped with the first */
    assert_true(o[1].cut_short);
    assert_true(o[1].seconds < 3);
    assert_int_equal(o[2].end, RUN_TIMED_OUT);
    assert_true(o[2].cut_short);
    assert_true(o[2].seconds < 1.0);
    assert_int_equal(o[3].end, RUN_EXITED);
    assert_false(o[3].cut_short);
    assert_int_equal(o[4].end, RUN_TIMED_OUT);
    assert_false(o[4].cut_short);
    assert_true(o[4].seconds >= 1.4);
    assert_true(took < 6); /* without the cut: over 30 s */
    for (int i = 0; i < 5; i++)
        run_outcome_free(&o[i]);
}

/* The first descendant of pid running exe (by its /proc/PID/exe), or 0. */
static pid_t descendant_running(pid_t pid, const char *exe)
{
    for (int tries = 0; tries < 200; tries++) {
        DIR *d = opendir("/proc");
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL) {
            pid_t p = (pid_t)atol(e->d_name);
            if (p <= 0)
                continue;
            char path[64], target[256];
            snprintf(path, sizeof path, "/proc/%d/exe", (int)p);
            ssize_t n = readlink(path, target, sizeof target - 1);
            if (n <= 0)
                continue;
            target[n] = '\0';
            pid_t up = p; /* is pid an ancestor? */
            for (int depth = 0; depth < 8 && up > 1 && up != pid; depth++) {
                char stat[64], buf[512];
                snprintf(stat, sizeof stat, "/proc/%d/stat", (int)up);
                FILE *f = fopen(stat, "r");
                size_t len = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
                if (f)
                    fclose(f);
                buf[len] = '\0';
                char *paren = strrchr(buf, ')');
                int ppid = 0;
                if (!paren || sscanf(paren + 1, " %*c %d", &ppid) != 1)
                    break;
                up = ppid;
            }
            if (up == pid && strcmp(target, exe) == 0) {
                closedir(d);
                return p;
            }
        }
        if (d)
            closedir(d);
        usleep(10 * 1000);
    }
    return 0;
}

/* A program run beside a sandboxed trial (gdb at a hang) joins the trial's
 * namespaces and, as root, its user: it sees the trial's processes only,
 * not the folders hidden from the trial. */
static void joined_run_sees_what_the_trial_sees(void **state)
{
    (void)state;
    sandbox sb;
    sandbox_detect(&sb);
    if (sb.level == SANDBOX_NONE)
        fail_msg("no namespaces on this machine: the sandbox cannot be tested");
    char hidden[] = "/tmp/racelab-test-hidden-XXXXXX";
    assert_non_null(mkdtemp(hidden));
    char *marker = path_join(hidden, "marker");
    assert_int_equal(file_write(marker, "x", 1, NULL), RL_OK);
    sandbox_hide(&sb, hidden);
    pid_t trial = fork();
    assert_true(trial >= 0);
    if (trial == 0) {
        const char *argv[] = {"/bin/sleep", "30", NULL}, *envp[] = {NULL};
        sandbox_exec(&sb, 0, "/", argv, envp);
    }
    char *sleep_exe = realpath("/bin/sleep", NULL); /* /usr/bin/sleep where /bin is a link */
    assert_non_null(sleep_exe);
    pid_t sleeper = descendant_running(trial, sleep_exe);
    free(sleep_exe);
    assert_true(sleeper > 0);
    char *script = xasprintf("id -u; ls /proc | grep -c '^[0-9]'; "
                             "if [ -e %s ]; then echo visible; else echo hidden; fi",
                             marker);
    const char *argv[] = {"/bin/sh", "-c", script, NULL};
    run_spec s = {
        .argv = argv, .envp = env, .cwd = "/", .timeout = 10, .output_cap = 4096, .join = sleeper};
    run_outcome o;
    assert_int_equal(run_all(&s, &o, 1, 1, NULL), RL_OK);
    kill(trial, SIGKILL);
    waitpid(trial, NULL, 0);
    assert_int_equal(o.end, RUN_EXITED);
    assert_int_equal(o.exit_code, 0);
    unsigned uid = 0, procs = 0;
    char seen[16] = "";
    assert_int_equal(sscanf(o.output, "%u %u %15s", &uid, &procs, seen), 3);
    if (sb.level == SANDBOX_FULL)
        assert_int_equal(uid, (unsigned)sandbox_uid(&sb, 0));
    else
        assert_int_equal(uid, (unsigned)getuid());
    assert_true(procs < 8); /* the trial's init, the sleeper, the shell and ls */
    assert_string_equal(seen, "hidden");
    run_outcome_free(&o);
    free(script);
    free(marker);
    dir_remove_tree(hidden, NULL);
    sandbox_free(&sb);
}

/* ---- per-run cgroups ---- */

static char *self; /* this test program, which the runs below start as helpers */

#include "cgroups_expected.h"

/* A sandbox at level none (so the runs are this user's own processes),
 * with cgroups when on and the machine allows, with the given caps. */
static sandbox caged(bool on, unsigned long memory_mb, unsigned pids_max)
{
    sandbox sb = {.level = SANDBOX_NONE, .memory_mb = memory_mb};
    char *outer = xstrdup(getenv("RACELAB_CGROUPS")); /* the suite's own setting plays no part */
    if (on)
        unsetenv("RACELAB_CGROUPS");
    else
        setenv("RACELAB_CGROUPS", "0", 1);
    cgroup_detect(&sb.cgroups, memory_mb, pids_max);
    if (outer)
        setenv("RACELAB_CGROUPS", outer, 1);
    else
        unsetenv("RACELAB_CGROUPS");
    free(outer);
    if (!on)
        assert_int_equal(sb.cgroups.version, CGROUP_OFF);
    return sb;
}

/* Says, once per test, when cgroups were wanted but this machine has none. */
static bool using_cgroups(const sandbox *sb, bool on, const char *test)
{
    bool used = sb->cgroups.version != CGROUP_OFF;
    if (on && !used)
        print_message("[  NOTE    ] %s: this machine gives racelab no cgroups: checked the "
                      "fallback instead\n",
                      test);
    return used;
}

/* Runs this program with a helper's arguments in the sandbox. */
static run_outcome run_helper(const sandbox *sb, const char *const *args, double timeout)
{
    const char *argv[8] = {self};
    for (int i = 0; args[i] && i < 6; i++)
        argv[i + 1] = args[i];
    run_spec s = {.argv = argv,
                  .envp = env,
                  .cwd = "/",
                  .timeout = timeout,
                  .output_cap = 4096,
                  .sandbox = sb};
    run_outcome o;
    assert_int_equal(run_all(&s, &o, 1, 1, NULL), RL_OK);
    return o;
}

/* Folders under root (cgroup hierarchies) named racelab-PID or
 * racelab-PID-..., searched depth levels down; their paths go to out. */
static int racelab_cgroups_under(const char *root, pid_t pid, int depth, strbuf *out)
{
    DIR *d = depth > 0 ? opendir(root) : NULL;
    if (!d)
        return 0;
    char mine[64];
    int n = snprintf(mine, sizeof mine, "racelab-%d", (int)pid), found = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_type != DT_DIR || e->d_name[0] == '.')
            continue;
        char *path = path_join(root, e->d_name);
        if (strncmp(e->d_name, mine, (size_t)n) == 0 &&
            (e->d_name[n] == '\0' || e->d_name[n] == '-')) {
            sb_printf(out, " %s", path);
            found++;
        }
        found += racelab_cgroups_under(path, pid, depth - 1, out);
        free(path);
    }
    closedir(d);
    return found;
}

/* Fails when any cgroup of the racelab (or test) with this pid is left. */
static void assert_no_cgroup_of(pid_t pid)
{
    strbuf found;
    sb_init(&found);
    int n = racelab_cgroups_under("/sys/fs/cgroup", pid, 8, &found);
    if (n)
        fail_msg("%d cgroup(s) of pid %d left:%s", n, (int)pid, found.data);
    sb_free(&found);
}

static void cgroups_are_found_where_expected(void **state)
{
    (void)state;
    sandbox sb = caged(true, 2048, 256);
    char *line = cgroup_describe(&sb.cgroups);
    if (cgroups_expected()) {
        assert_int_not_equal(sb.cgroups.version, CGROUP_OFF);
        assert_non_null(strstr(line, "256 tasks, 2048 MB of memory"));
        print_message("[  NOTE    ] %s, made in %s\n", line, sb.cgroups.pids_parent);
    } else {
        print_message("[  NOTE    ] cgroups are not expected on this machine (not root, or no "
                      "writable hierarchy); racelab found: %s\n",
                      line ? line : "none");
    }
    free(line);
    sandbox_free(&sb);
    /* RACELAB_CGROUPS=0 always means none, and the report says nothing of them */
    sb = caged(false, 2048, 256);
    assert_null(cgroup_describe(&sb.cgroups));
    char *note = sandbox_describe(&sb);
    assert_null(strstr(note, "cgroup"));
    assert_non_null(strstr(note, "2048 MB resident memory"));
    free(note);
    sandbox_free(&sb);
    assert_no_cgroup_of(getpid());
}

/* A hog of 256 MB under a 64 MB cap is stopped, by the kernel in a cgroup
 * or by the watchdog without one, and reported as out of memory. */
static void memory_hog_is_stopped(bool on)
{
    sandbox sb = caged(on, 64, 64);
    using_cgroups(&sb, on, "memory_hog_is_stopped");
    const char *args[] = {"hog", "256", NULL};
    double start = now_seconds();
    run_outcome o = run_helper(&sb, args, 20);
    assert_int_equal(o.end, RUN_OUT_OF_MEMORY);
    assert_true(now_seconds() - start < 10);
    char *d = run_outcome_describe(&o, 20);
    assert_non_null(strstr(d, "used more memory than a run may"));
    free(d);
    run_outcome_free(&o);
    sandbox_free(&sb);
    assert_no_cgroup_of(getpid());
}

static void memory_hog_is_stopped_with_cgroups(void **state)
{
    (void)state;
    memory_hog_is_stopped(true);
}

static void memory_hog_is_stopped_without_cgroups(void **state)
{
    (void)state;
    memory_hog_is_stopped(false);
}

/* Five processes share 48 MB under a 128 MB cap: a cgroup counts the pages
 * once and the run ends well; the watchdog, summing resident sizes, counts
 * 240 MB and stops it (the fallback's known limit). */
static void shared_pages_count_once_in_a_cgroup(void **state)
{
    (void)state;
    for (int on = 1; on >= 0; on--) {
        sandbox sb = caged(on, 128, 64);
        bool used = using_cgroups(&sb, on, "shared_pages_count_once_in_a_cgroup");
        const char *args[] = {"shared", "48", "4", NULL};
        run_outcome o = run_helper(&sb, args, 20);
        if (used) {
            assert_int_equal(o.end, RUN_EXITED);
            assert_int_equal(o.exit_code, 0);
        } else {
            assert_int_equal(o.end, RUN_OUT_OF_MEMORY);
        }
        run_outcome_free(&o);
        sandbox_free(&sb);
    }
    assert_no_cgroup_of(getpid());
}

/* 40 forks under a cap of 16 tasks: the cgroup refuses the 16th, and the
 * outcome says the cap was hit. Without a cgroup (and, at level none, no
 * per-slot uid) nothing caps them. */
static void process_cap_is_kept_and_reported(void **state)
{
    (void)state;
    for (int on = 1; on >= 0; on--) {
        sandbox sb = caged(on, 2048, 16);
        bool used = using_cgroups(&sb, on, "process_cap_is_kept_and_reported");
        const char *args[] = {"forks", "40", NULL};
        run_outcome o = run_helper(&sb, args, 20);
        assert_int_equal(o.end, RUN_EXITED);
        int forked = -1;
        assert_non_null(o.output);
        assert_int_equal(sscanf(o.output, "forked %d", &forked), 1);
        char *d = run_outcome_describe(&o, 20);
        if (used) {
            assert_int_equal(forked, 15); /* the helper is the 16th task */
            assert_int_equal(o.process_cap, 16);
            assert_non_null(strstr(d, "more than 16 processes and threads"));
        } else {
            assert_int_equal(forked, 40);
            assert_int_equal(o.process_cap, 0);
            assert_null(strstr(d, "processes and threads"));
        }
        free(d);
        run_outcome_free(&o);
        sandbox_free(&sb);
    }
    assert_no_cgroup_of(getpid());
}

/* Whether pid is a live process (not gone, not a zombie). */
static bool alive(pid_t pid)
{
    char path[64], *stat = NULL;
    size_t len;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (file_read(path, 4096, &stat, &len, NULL, NULL) != RL_OK)
        return false;
    const char *paren = strrchr(stat, ')');
    bool live = paren && paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X';
    free(stat);
    return live;
}

/* A grandchild that left the process group and session with setsid()
 * outlives a timed-out run's group kill at level none, but not its cgroup. */
static void setsid_escape_dies_with_the_cgroup(void **state)
{
    (void)state;
    sandbox sb = caged(true, 2048, 64);
    bool used = using_cgroups(&sb, true, "setsid_escape_dies_with_the_cgroup");
    char *dir = NULL;
    assert_int_equal(dir_make_temp("runtest", &dir, NULL), RL_OK);
    char *script = xasprintf("setsid sh -c 'echo $$ > %s/pid; exec sleep 30' & sleep 60", dir);
    const char *argv[] = {"/bin/sh", "-c", script, NULL};
    run_spec s = {
        .argv = argv, .envp = env, .cwd = "/", .timeout = 1, .output_cap = 1024, .sandbox = &sb};
    run_outcome o;
    assert_int_equal(run_all(&s, &o, 1, 1, NULL), RL_OK);
    assert_int_equal(o.end, RUN_TIMED_OUT);
    char *pidfile = path_join(dir, "pid"), *text = NULL;
    size_t len;
    assert_int_equal(file_read(pidfile, 64, &text, &len, NULL, NULL), RL_OK);
    pid_t escaped = (pid_t)atoi(text);
    assert_true(escaped > 0);
    double until = now_seconds() + 1;
    while (alive(escaped) && now_seconds() < until)
        usleep(10000);
    if (used) {
        assert_false(alive(escaped));
    } else {
        print_message("[  NOTE    ] without a cgroup, the escaped process %s the run\n",
                      alive(escaped) ? "outlived" : "did not outlive");
        kill(escaped, SIGKILL);
    }
    free(text);
    free(pidfile);
    free(script);
    run_outcome_free(&o);
    dir_remove_tree(dir, NULL);
    free(dir);
    sandbox_free(&sb);
    assert_no_cgroup_of(getpid());
}

/* A racelab that died without cleaning up (SIGKILL) leaves cgroups; the
 * next detection removes them, and never those of a racelab still alive. */
static void stale_cgroups_of_dead_runs_are_removed(void **state)
{
    (void)state;
    sandbox sb = caged(true, 2048, 64);
    if (!using_cgroups(&sb, true, "stale_cgroups_of_dead_runs_are_removed")) {
        assert_null(sb.cgroups.pids_parent);
        sandbox_free(&sb);
        return;
    }
    pid_t dead = fork();
    if (dead == 0)
        _exit(0);
    waitpid(dead, NULL, 0);
    const char *parents[] = {sb.cgroups.pids_parent, sb.cgroups.memory_parent};
    pid_t owners[] = {dead, getppid()}; /* gone; alive */
    for (int p = 0; p < 2; p++)
        for (int k = 0; k < 2 && parents[p]; k++) {
            char *dir = xasprintf("%s/racelab-%d-0-1", parents[p], (int)owners[k]);
            assert_int_equal(mkdir(dir, 0755), 0);
            free(dir);
        }
    sandbox_free(&sb);
    sb = caged(true, 2048, 64);
    assert_no_cgroup_of(dead); /* (another racelab starting now may have beaten us to it) */
    for (int p = 0; p < 2; p++) {
        if (!parents[p])
            continue;
        const char *parent = p == 0 ? sb.cgroups.pids_parent : sb.cgroups.memory_parent;
        char *dir = xasprintf("%s/racelab-%d-0-1", parent, (int)getppid());
        assert_true(path_is_dir(dir)); /* its racelab may still need it */
        assert_int_equal(rmdir(dir), 0);
        free(dir);
    }
    sandbox_free(&sb);
}

/* SIGTERM while runs are under way: run_all stops them, and no cgroup of
 * that process is left once it has exited. */
static void interrupt_leaves_no_cgroup(void **state)
{
    (void)state;
    sandbox probe = caged(true, 2048, 64);
    bool used = using_cgroups(&probe, true, "interrupt_leaves_no_cgroup");
    int folders = probe.cgroups.version == CGROUP_V1 ? 4 : 2; /* of two runs */
    sandbox_free(&probe);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        run_stop_on_interrupt();
        sandbox sb = caged(true, 2048, 64);
        const char *argv[] = {"/bin/sh", "-c", "sleep 30", NULL};
        run_spec s[2];
        for (int i = 0; i < 2; i++)
            s[i] = (run_spec){.argv = argv,
                              .envp = env,
                              .cwd = "/",
                              .timeout = 30,
                              .output_cap = 64,
                              .sandbox = &sb};
        run_outcome o[2];
        rl_status st = run_all(s, o, 2, 2, NULL);
        sandbox_free(&sb);
        _exit(st != RL_OK && run_interrupted() ? 0 : 1);
    }
    /* with cgroups, wait until both runs have theirs */
    double until = now_seconds() + 10;
    strbuf found;
    sb_init(&found);
    while (used && racelab_cgroups_under("/sys/fs/cgroup", child, 8, &found) < folders &&
           now_seconds() < until) {
        sb_free(&found);
        sb_init(&found);
        usleep(10000);
    }
    sb_free(&found);
    usleep(200000);
    double start = now_seconds();
    kill(child, SIGTERM);
    int status;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(now_seconds() - start < 5);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_no_cgroup_of(child);
}

/* ---- helpers the runs above start: this program, with arguments ---- */

/* hog MB: touches MB of memory, then waits to be stopped. */
static int helper_hog(size_t mb)
{
    size_t n = mb << 20;
    volatile char *p = malloc(n); /* volatile: the stores are the point */
    for (size_t i = 0; p && i < n; i += 4096)
        p[i] = 1;
    sleep(20);
    return 0;
}

/* shared MB N: maps MB shared, and N children touch it all too. */
static int helper_shared(size_t mb, int kids)
{
    size_t n = mb << 20;
    char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 2;
    memset(p, 1, n);
    for (int k = 0; k < kids; k++)
        if (fork() == 0) {
            unsigned sum = 0; /* every page read, so mapped into this process too */
            for (size_t i = 0; i < n; i += 4096)
                sum += *(volatile char *)(p + i);
            sleep(1);
            _exit(sum == n / 4096 ? 0 : 1);
        }
    sleep(1);
    while (wait(NULL) > 0)
        ;
    return 0;
}

/* forks N: starts up to N waiting children, says how many it could. */
static int helper_forks(int want)
{
    pid_t kids[256];
    int got = 0;
    for (; got < want && got < 256; got++) {
        pid_t pid = fork();
        if (pid < 0)
            break;
        if (pid == 0) {
            pause();
            _exit(0);
        }
        kids[got] = pid;
    }
    printf("forked %d\n", got);
    fflush(stdout);
    for (int i = 0; i < got; i++) {
        kill(kids[i], SIGKILL);
        waitpid(kids[i], NULL, 0);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "hog") == 0)
        return helper_hog((size_t)atol(argv[2]));
    if (argc == 4 && strcmp(argv[1], "shared") == 0)
        return helper_shared((size_t)atol(argv[2]), atoi(argv[3]));
    if (argc == 3 && strcmp(argv[1], "forks") == 0)
        return helper_forks(atoi(argv[2]));
    self = realpath("/proc/self/exe", NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exit_status_and_output_are_kept),
        cmocka_unit_test(signal_is_reported),
        cmocka_unit_test(huge_output_is_capped_and_never_blocks),
        cmocka_unit_test(timeout_kills_the_whole_group),
        cmocka_unit_test(leftover_background_child_does_not_stall),
        cmocka_unit_test(missing_program_is_not_started_or_127),
        cmocka_unit_test(environment_is_only_what_was_given),
        cmocka_unit_test(jobs_run_at_once),
        cmocka_unit_test(runs_after_a_hang_get_the_shorter_limit),
        cmocka_unit_test(joined_run_sees_what_the_trial_sees),
        cmocka_unit_test(cgroups_are_found_where_expected),
        cmocka_unit_test(memory_hog_is_stopped_with_cgroups),
        cmocka_unit_test(memory_hog_is_stopped_without_cgroups),
        cmocka_unit_test(shared_pages_count_once_in_a_cgroup),
        cmocka_unit_test(process_cap_is_kept_and_reported),
        cmocka_unit_test(setsid_escape_dies_with_the_cgroup),
        cmocka_unit_test(stale_cgroups_of_dead_runs_are_removed),
        cmocka_unit_test(interrupt_leaves_no_cgroup),
    };
    int rc = cmocka_run_group_tests_name("run", tests, NULL, NULL);
    free(self);
    return rc;
}
