/*
 * test_hostile.c - end-to-end: the corpus of hostile 01-bank submissions in
 * tests/hostile/ is graded, and racelab must grade each one correctly,
 * within its time bound, and leave nothing behind.
 *
 * One folder per attack, each holding the student's bank.c (its top comment
 * says what the attack is and what the grader must do) and an expect file:
 *
 *   # why: one sentence                 (the first line)
 *   CHECK-ID pass|fail                  every check of 01-bank, each once
 *   state graded|build-failed|not-submitted|error
 *   exit N                              racelab's exit status
 *   max-seconds N                       bound on the whole `racelab grade`
 *   max-run-seconds N                   bound on every run of a test program
 *                                       (the report's trials[].programs[]
 *                                       .seconds): the deadline is kept
 *   timeout N                           passed to racelab as --timeout N
 *   output-contains TEXT                must appear in a check's summary or
 *                                       details, the notes, the lab's
 *                                       message or its build log
 *   report-lacks TEXT                   must appear nowhere in the report
 *                                       (any string of the JSON, and its
 *                                       raw text)
 *   absent PATH                         must not exist after grading (it is
 *                                       removed before); relative paths are
 *                                       from the project root
 *   listen PORT                         a TCP socket listens on
 *                                       127.0.0.1:PORT while the case runs
 *   env NAME=VALUE                      added to racelab's environment
 *   cgroups used|unused                 whether the trials ran in cgroups
 *                                       (the report's isolation note says
 *                                       "a cgroup v1|v2 per trial"); "used"
 *                                       on a machine that gives racelab no
 *                                       cgroups says so in one line and
 *                                       checks the rest (the fallback)
 *
 * Every line but the first may end in a comment, " # ...", and a comment
 * containing "grader bug" marks what the grader should do but does not yet:
 * the case still fails on it (and says it is a known grader bug).
 *
 * A case whose files name @ROOT@ is graded from a copy with @ROOT@ replaced
 * by this checkout's folder, so attacks aim at the real project wherever it
 * is. Each case runs `build/racelab grade --submission tests/hostile/CASE --lab
 * 01-bank --format json --output TMP/r.json --trials 2 [--timeout N]`, timed,
 * and then also asserts that the JSON report is valid and that no process of
 * the per-trial users of that racelab (uid 200000 + (pid % 100000) * 64, 64
 * of them; racelab's pid is caught by a thread while it runs) is left after
 * a second's grace: other racelab runs on the machine have uids >= 200000
 * too, so a plain "uid >= 200000" scan would blame them, and that no cgroup
 * named after that racelab (racelab-PID, racelab-PID-SLOT-N) is left anywhere
 * under /sys/fs/cgroup. One cmocka test per folder, in sorted order, and a
 * last one: racelab stopped by SIGTERM while its trials run leaves no
 * process and no cgroup behind either.
 */
#include "e2e.h"
#include "util.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define CORPUS "tests/hostile"
#define LAB "01-bank"
#define TRIALS "2"
#define MAX_LINES 64
#define SLOT_UID_BASE 200000 /* harness/sandbox.h: SANDBOX_UID_BASE */
#define SLOT_UIDS 64         /* uids per racelab process */
#define LEFTOVER_GRACE 1.0   /* seconds for the kernel to finish killing a trial */

typedef enum {
    EXP_CHECK,
    EXP_STATE,
    EXP_EXIT,
    EXP_MAX_SECONDS,
    EXP_MAX_RUN_SECONDS,
    EXP_TIMEOUT,
    EXP_CONTAINS,
    EXP_LACKS,
    EXP_ABSENT,
    EXP_LISTEN,
    EXP_ENV,
    EXP_CGROUPS,
} exp_kind;

/* One line of expect. */
typedef struct {
    exp_kind kind;
    char key[128];   /* check id */
    char text[512];  /* pass|fail, state, number, text, path, NAME=VALUE */
    bool grader_bug; /* the line's comment says "grader bug" */
    bool seen;       /* a check line: the lab has that check */
    int lineno;
} exp_line;

typedef struct {
    char name[256];
    char dir[512];
} hostile_case;

/* ---- reading expect ---- */

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t len = strlen(s);
    while (len && strchr(" \t\r\n", s[len - 1]))
        s[--len] = '\0';
    return s;
}

/* The start of a " # comment" (a '#' at the start or after a blank), or NULL. */
static char *comment_of(char *line)
{
    for (char *p = line; *p; p++)
        if (*p == '#' && (p == line || p[-1] == ' ' || p[-1] == '\t'))
            return p;
    return NULL;
}

static const struct {
    const char *word;
    exp_kind kind;
} directives[] = {
    {"state", EXP_STATE},
    {"exit", EXP_EXIT},
    {"max-seconds", EXP_MAX_SECONDS},
    {"max-run-seconds", EXP_MAX_RUN_SECONDS},
    {"timeout", EXP_TIMEOUT},
    {"output-contains", EXP_CONTAINS},
    {"report-lacks", EXP_LACKS},
    {"absent", EXP_ABSENT},
    {"listen", EXP_LISTEN},
    {"env", EXP_ENV},
    {"cgroups", EXP_CGROUPS},
};

static int read_expect(const char *dir, exp_line *lines)
{
    char path[1024], buf[1024];
    snprintf(path, sizeof path, "%s/expect", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("%s: cannot open", path);
    int n = 0, lineno = 0;
    while (fgets(buf, sizeof buf, f)) {
        lineno++;
        if (lineno == 1) {
            if (strncmp(buf, "# why: ", 7) != 0)
                fail_msg("%s:1: the first line must be \"# why: one sentence\"", path);
            continue;
        }
        char *hash = comment_of(buf);
        bool bug = hash && strstr(hash, "grader bug");
        if (hash)
            *hash = '\0';
        char *text = trim(buf);
        if (!*text)
            continue;
        if (n == MAX_LINES)
            fail_msg("%s:%d: too many lines", path, lineno);
        exp_line *e = &lines[n];
        memset(e, 0, sizeof *e);
        e->grader_bug = bug;
        e->lineno = lineno;
        char *space = strpbrk(text, " \t");
        char *rest = space ? trim(space + 1) : NULL;
        if (space)
            *space = '\0';
        if (!rest || !*rest)
            fail_msg("%s:%d: \"%s\" needs a value", path, lineno, text);
        bool known = false;
        for (size_t i = 0; i < sizeof directives / sizeof directives[0]; i++)
            if (strcmp(text, directives[i].word) == 0) {
                e->kind = directives[i].kind;
                known = true;
            }
        if (!known) {
            if (strcmp(rest, "pass") != 0 && strcmp(rest, "fail") != 0)
                fail_msg("%s:%d: expected \"CHECK-ID pass|fail\" or a directive, got \"%s %s\"",
                         path, lineno, text, rest);
            for (int i = 0; i < n; i++)
                if (lines[i].kind == EXP_CHECK && strcmp(lines[i].key, text) == 0)
                    fail_msg("%s:%d: check %s is listed twice", path, lineno, text);
            e->kind = EXP_CHECK;
            snprintf(e->key, sizeof e->key, "%s", text);
        }
        snprintf(e->text, sizeof e->text, "%s", rest);
        n++;
    }
    fclose(f);
    return n;
}

/* ---- racelab's pid, caught while it runs ---- */

typedef struct {
    atomic_bool stop;
    atomic_int pid; /* 0 until seen */
} watcher;

/* The first child of this process: the only one is the racelab that
 * e2e_racelab() starts. */
static int first_child(void)
{
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)getpid(), (int)getpid());
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    int pid = 0;
    if (fgets(buf, sizeof buf, f))
        pid = atoi(buf);
    fclose(f);
    return pid;
}

static void *watch(void *arg)
{
    watcher *w = arg;
    struct timespec pause = {0, 1000000};
    while (!atomic_load(&w->stop) && atomic_load(&w->pid) == 0) {
        int pid = first_child();
        if (pid > 0)
            atomic_store(&w->pid, pid);
        nanosleep(&pause, NULL);
    }
    return NULL;
}

/* Processes whose uid is in [lo, hi), listed into out; returns how many. */
static int processes_of_uids(unsigned lo, unsigned hi, char *out, size_t cap)
{
    DIR *d = opendir("/proc");
    if (!d)
        return 0;
    int count = 0;
    size_t used = 0;
    out[0] = '\0';
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        char path[300], line[256], comm[64] = "?";
        snprintf(path, sizeof path, "/proc/%s/status", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        long uid = -1;
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, "Name:", 5) == 0)
                snprintf(comm, sizeof comm, "%s", trim(line + 5));
            else if (strncmp(line, "Uid:", 4) == 0)
                uid = strtol(line + 4, NULL, 10);
        }
        fclose(f);
        if (uid >= (long)lo && uid < (long)hi) {
            count++;
            if (used + 80 < cap)
                used += (size_t)snprintf(out + used, cap - used, " %s(uid %ld, %s)", e->d_name, uid,
                                         comm);
        }
    }
    closedir(d);
    return count;
}

/* ---- cgroups ---- */

#include "../unit/cgroups_expected.h"

/* Cgroup folders under root named racelab-PID or racelab-PID-..., searched
 * depth levels down; appends their paths to out (up to cap). */
static int racelab_cgroups_under(const char *root, int pid, int depth, char *out, size_t cap)
{
    DIR *d = depth > 0 ? opendir(root) : NULL;
    if (!d)
        return 0;
    char mine[64];
    int n = snprintf(mine, sizeof mine, "racelab-%d", pid), found = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_type != DT_DIR || e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", root, e->d_name);
        if (strncmp(e->d_name, mine, (size_t)n) == 0 &&
            (e->d_name[n] == '\0' || e->d_name[n] == '-')) {
            size_t used = strlen(out);
            if (used + strlen(path) + 2 < cap)
                snprintf(out + used, cap - used, " %s", path);
            found++;
        }
        found += racelab_cgroups_under(path, pid, depth - 1, out, cap);
    }
    closedir(d);
    return found;
}

/* ---- reading the report ---- */

static const char *json_text(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

static json_t *graded_lab(json_t *root)
{
    size_t i;
    json_t *lab;
    json_array_foreach(json_object_get(root, "labs"), i, lab)
    {
        if (strcmp(json_text(lab, "id"), LAB) == 0)
            return lab;
    }
    return NULL;
}

static bool array_has(json_t *array, const char *text)
{
    size_t i;
    json_t *s;
    json_array_foreach(array, i, s)
    {
        if (json_is_string(s) && strstr(json_string_value(s), text))
            return true;
    }
    return false;
}

/* Whether text is in what the report says to people: the checks' summaries
 * and details, the notes, the lab's message and build log. */
static bool report_says(json_t *root, json_t *lab, const char *text)
{
    if (array_has(json_object_get(root, "notes"), text))
        return true;
    if (!lab)
        return false;
    if (array_has(json_object_get(lab, "notes"), text) || strstr(json_text(lab, "message"), text) ||
        strstr(json_text(lab, "build_log"), text))
        return true;
    size_t i;
    json_t *check;
    json_array_foreach(json_object_get(lab, "checks"), i, check)
    {
        if (strstr(json_text(check, "summary"), text) || strstr(json_text(check, "details"), text))
            return true;
    }
    return false;
}

/* Whether text is in any string (or key) anywhere in the JSON value. */
static bool json_has_anywhere(json_t *v, const char *text)
{
    if (json_is_string(v))
        return strstr(json_string_value(v), text) != NULL;
    if (json_is_array(v)) {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
        {
            if (json_has_anywhere(item, text))
                return true;
        }
    }
    if (json_is_object(v)) {
        const char *key;
        json_t *item;
        json_object_foreach(v, key, item)
        {
            if (strstr(key, text) || json_has_anywhere(item, text))
                return true;
        }
    }
    return false;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    fclose(f);
    if (buf)
        buf[len] = '\0';
    return buf;
}

/* The longest run of any test program in any trial, and which it was. */
static double longest_run(json_t *lab, char *which, size_t cap)
{
    double most = 0;
    size_t t, p;
    json_t *trial, *prog;
    snprintf(which, cap, "none");
    json_array_foreach(json_object_get(lab, "trials"), t, trial)
    {
        json_array_foreach(json_object_get(trial, "programs"), p, prog)
        {
            double s = json_number_value(json_object_get(prog, "seconds"));
            if (s > most) {
                most = s;
                snprintf(which, cap, "%s in trial %lld, which %s", json_text(prog, "name"),
                         (long long)json_integer_value(json_object_get(trial, "trial")),
                         json_text(prog, "end"));
            }
        }
    }
    return most;
}

/* ---- one case ---- */

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int listen_on(int port)
{
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 16) != 0) {
        print_message("note: cannot listen on 127.0.0.1:%d (%s); the attack has nothing to reach\n",
                      port, strerror(errno));
        if (s >= 0)
            close(s);
        return -1;
    }
    return s;
}

typedef struct {
    const hostile_case *c;
    int wrong;
    int bugs; /* of wrong, how many are marked grader bug */
} tally;

static void mismatch(tally *t, const exp_line *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void mismatch(tally *t, const exp_line *e, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    print_message("%s: %s%s\n", t->c->name, msg,
                  e && e->grader_bug ? " (a known grader bug, marked in expect)" : "");
    t->wrong++;
    if (e && e->grader_bug)
        t->bugs++;
}

/* The folder to grade: the case's own, or, when its files name @ROOT@ (the
 * project's folder, wherever this checkout is), a copy under tmp with
 * @ROOT@ replaced. Returns a new string. */
static char *submission_for(const char *dir, const char *tmp)
{
    strlist names = {0};
    dir_list(dir, &names, NULL);
    char *root = realpath(".", NULL), *copy = path_join(tmp, "sub");
    bool rooted = false;
    dir_make(copy, NULL);
    for (size_t i = 0; i < names.n; i++) {
        char *from = path_join(dir, names.items[i]), *to = path_join(copy, names.items[i]);
        char *text = NULL;
        size_t len = 0;
        if (file_read(from, 1 << 20, &text, &len, NULL, NULL) == RL_OK) {
            strbuf out;
            sb_init(&out);
            for (const char *p = text; *p;) {
                const char *at = strstr(p, "@ROOT@");
                if (!at) {
                    sb_append(&out, p);
                    break;
                }
                sb_appendn(&out, p, (size_t)(at - p));
                sb_append(&out, root);
                rooted = true;
                p = at + 6;
            }
            file_write(to, out.data, out.len, NULL);
            sb_free(&out);
        }
        free(text);
        free(from);
        free(to);
    }
    strlist_free(&names);
    free(root);
    if (rooted)
        return copy;
    free(copy);
    return xstrdup(dir);
}

static void case_is_graded_correctly(void **state)
{
    const hostile_case *c = *state;
    exp_line lines[MAX_LINES];
    int n = read_expect(c->dir, lines);
    tally t = {.c = c};

    const char *args[32];
    const char *env[MAX_LINES + 1];
    int na = 0, ne = 0, listener = -1;
    char *tmp = e2e_tempdir();
    char out[1024];
    snprintf(out, sizeof out, "%s/r.json", tmp);
    char *submission = submission_for(c->dir, tmp);
    const char *fixed[] = {"grade", "--submission", submission, "--lab",    LAB,   "--format",
                           "json",  "--output",     out,        "--trials", TRIALS};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        args[na++] = fixed[i];
    for (int i = 0; i < n; i++) {
        if (lines[i].kind == EXP_TIMEOUT) {
            args[na++] = "--timeout";
            args[na++] = lines[i].text;
        } else if (lines[i].kind == EXP_ENV) {
            env[ne++] = lines[i].text;
        } else if (lines[i].kind == EXP_LISTEN) {
            listener = listen_on(atoi(lines[i].text));
        } else if (lines[i].kind == EXP_ABSENT) {
            unlink(lines[i].text);
        }
    }
    args[na] = NULL;
    env[ne] = NULL;

    watcher w;
    atomic_init(&w.stop, false);
    atomic_init(&w.pid, 0);
    pthread_t watcher_thread;
    assert_int_equal(pthread_create(&watcher_thread, NULL, watch, &w), 0);
    double start = now();
    e2e_run r = e2e_racelab(args, env);
    double seconds = now() - start;
    atomic_store(&w.stop, true);
    pthread_join(watcher_thread, NULL);
    if (listener >= 0)
        close(listener);
    int racelab_pid = atomic_load(&w.pid);
    print_message("%s: graded in %.1f s (exit %d)\n", c->name, seconds, r.status);

    json_t *root = e2e_json_file(out);
    json_t *lab = root ? graded_lab(root) : NULL;
    char *raw = slurp(out);
    if (!root)
        mismatch(&t, NULL, "the report %s is missing or not valid JSON; racelab said:\n%s", out,
                 r.output ? r.output : "");
    else if (!lab)
        mismatch(&t, NULL, "the report has no entry for %s", LAB);

    for (int i = 0; i < n; i++) {
        exp_line *e = &lines[i];
        switch (e->kind) {
        case EXP_EXIT:
            if (r.status != atoi(e->text))
                mismatch(&t, e, "racelab exited with %d, expected %s", r.status, e->text);
            break;
        case EXP_STATE:
            if (lab && strcmp(json_text(lab, "state"), e->text) != 0)
                mismatch(&t, e, "state is %s (%s), expected %s", json_text(lab, "state"),
                         json_text(lab, "message"), e->text);
            break;
        case EXP_MAX_SECONDS:
            if (seconds > atof(e->text))
                mismatch(&t, e, "grading took %.1f s, more than %s s", seconds, e->text);
            break;
        case EXP_MAX_RUN_SECONDS: {
            char which[256];
            double most = lab ? longest_run(lab, which, sizeof which) : 0;
            if (most > atof(e->text))
                mismatch(&t, e, "a run took %.2f s (%s), more than %s s", most, which, e->text);
            break;
        }
        case EXP_CONTAINS:
            if (root && !report_says(root, lab, e->text))
                mismatch(&t, e, "the report does not say \"%s\"", e->text);
            break;
        case EXP_LACKS:
            if ((root && json_has_anywhere(root, e->text)) || (raw && strstr(raw, e->text)))
                mismatch(&t, e, "the report contains \"%s\"", e->text);
            break;
        case EXP_CGROUPS: {
            bool used = root && array_has(json_object_get(root, "notes"), "a cgroup v");
            if (strcmp(e->text, "used") != 0 && strcmp(e->text, "unused") != 0)
                mismatch(&t, e, "cgroups takes used or unused, not \"%s\"", e->text);
            else if (strcmp(e->text, "unused") == 0 && used)
                mismatch(&t, e, "the trials ran in cgroups, which this case turns off");
            else if (strcmp(e->text, "used") == 0 && !used && cgroups_expected())
                mismatch(&t, e, "the trials ran without cgroups, though this machine allows them");
            else if (strcmp(e->text, "used") == 0 && !used)
                print_message("[  NOTE    ] %s: this machine gives racelab no cgroups: checked "
                              "the fallback instead\n",
                              c->name);
            break;
        }
        case EXP_ABSENT: {
            struct stat st;
            if (lstat(e->text, &st) == 0) {
                mismatch(&t, e, "%s exists after grading", e->text);
                unlink(e->text);
            }
            break;
        }
        default:
            break;
        }
    }

    /* every check of the lab listed, each with its verdict */
    size_t i;
    json_t *check;
    json_array_foreach(lab ? json_object_get(lab, "checks") : NULL, i, check)
    {
        const char *id = json_text(check, "id");
        bool passed = json_is_true(json_object_get(check, "passed"));
        exp_line *e = NULL;
        for (int k = 0; k < n; k++)
            if (lines[k].kind == EXP_CHECK && strcmp(lines[k].key, id) == 0)
                e = &lines[k];
        if (!e) {
            mismatch(&t, NULL, "check %s (%s) is not listed in expect", id,
                     passed ? "passed" : "failed");
            continue;
        }
        e->seen = true;
        if ((strcmp(e->text, "pass") == 0) != passed)
            mismatch(&t, e, "check %s: expected %s, but it %s\n  summary: %s\n  details: %.600s",
                     id, e->text, passed ? "passed" : "failed", json_text(check, "summary"),
                     json_text(check, "details"));
    }
    for (int k = 0; lab && k < n; k++)
        if (lines[k].kind == EXP_CHECK && !lines[k].seen)
            mismatch(&t, &lines[k], "expect lists check %s, which %s does not have", lines[k].key,
                     LAB);

    /* nothing of this racelab's trial users left */
    if (racelab_pid <= 0) {
        mismatch(&t, NULL, "racelab's pid was not seen, so its trial uids are unknown");
    } else {
        unsigned lo = SLOT_UID_BASE + (unsigned)(racelab_pid % 100000) * SLOT_UIDS;
        char list[2048];
        int left = 0;
        double until = now() + LEFTOVER_GRACE;
        do {
            left = processes_of_uids(lo, lo + SLOT_UIDS, list, sizeof list);
            if (left)
                usleep(50000);
        } while (left && now() < until);
        if (left)
            mismatch(&t, NULL, "%d process%s of the trial uids %u-%u left %.0f s after grading:%s",
                     left, left == 1 ? "" : "es", lo, lo + SLOT_UIDS - 1, LEFTOVER_GRACE, list);
        /* nor any cgroup of that racelab */
        list[0] = '\0';
        int cgroups = racelab_cgroups_under("/sys/fs/cgroup", racelab_pid, 8, list, sizeof list);
        if (cgroups)
            mismatch(&t, NULL, "%d cgroup%s of racelab (pid %d) left after grading:%s", cgroups,
                     cgroups == 1 ? "" : "s", racelab_pid, list);
    }

    free(raw);
    json_decref(root);
    e2e_run_free(&r);
    free(submission);
    e2e_rmtree(tmp);
    free(tmp);
    if (t.wrong)
        fail_msg("%s: %d expectation%s not met (%d marked grader bug)", c->name, t.wrong,
                 t.wrong == 1 ? "" : "s", t.bugs);
}

/* ---- stopped mid-trial ---- */

/* Whether a test program (a process named test_bank...) runs below pid. */
static bool trial_running(int pid)
{
    DIR *d = opendir("/proc");
    if (!d)
        return false;
    bool found = false;
    struct dirent *e;
    while (!found && (e = readdir(d)) != NULL) {
        int p = atoi(e->d_name);
        for (int depth = 0; p > 1 && depth < 8 && !found; depth++) {
            char path[64], buf[512];
            snprintf(path, sizeof path, "/proc/%d/stat", p);
            FILE *f = fopen(path, "r");
            if (!f)
                break;
            size_t n = fread(buf, 1, sizeof buf - 1, f);
            fclose(f);
            buf[n] = '\0';
            char *lparen = strchr(buf, '('), *rparen = strrchr(buf, ')');
            if (!lparen || !rparen)
                break;
            if (depth == 0 && strncmp(lparen + 1, "test_bank", 9) != 0)
                break;
            int parent = 0;
            sscanf(rparen + 2, "%*c %d", &parent);
            found = parent == pid;
            p = parent;
        }
    }
    closedir(d);
    return found;
}

/* racelab gets SIGTERM while its trials run (an endless loop, 30 s
 * timeout): it stops within seconds and leaves no process of its trial
 * users and no cgroup behind. */
static void sigterm_mid_trial_leaves_nothing(void **state)
{
    (void)state;
    char *tmp = e2e_tempdir(), out[1024];
    snprintf(out, sizeof out, "%s/r.json", tmp);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        execl("build/racelab", "build/racelab", "grade", "--submission", CORPUS "/infinite-loop",
              "--lab", LAB, "--format", "json", "--output", out, "--trials", TRIALS, "--timeout",
              "30", (char *)NULL);
        _exit(127);
    }
    double until = now() + 60;
    while (!trial_running(pid) && now() < until)
        usleep(20000);
    bool running = trial_running(pid);
    usleep(300000);
    double start = now();
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    double took = now() - start;
    print_message("sigterm: racelab stopped %.1f s after SIGTERM (%s)\n", took,
                  WIFEXITED(status) ? "exited" : "killed");
    unsigned lo = SLOT_UID_BASE + (unsigned)(pid % 100000) * SLOT_UIDS;
    char list[2048] = "";
    int left = 0;
    double grace = now() + LEFTOVER_GRACE;
    do {
        left = processes_of_uids(lo, lo + SLOT_UIDS, list, sizeof list);
        if (left)
            usleep(50000);
    } while (left && now() < grace);
    list[0] = '\0';
    int cgroups = racelab_cgroups_under("/sys/fs/cgroup", pid, 8, list, sizeof list);
    e2e_rmtree(tmp);
    free(tmp);
    if (!running)
        fail_msg("no trial of %s started within 60 s", CORPUS "/infinite-loop");
    if (!WIFEXITED(status) || took > 10)
        fail_msg("racelab did not exit by itself within 10 s of SIGTERM");
    if (left)
        fail_msg("%d process%s of the trial uids left after SIGTERM", left, left == 1 ? "" : "es");
    if (cgroups)
        fail_msg("%d cgroup%s left after SIGTERM:%s", cgroups, cgroups == 1 ? "" : "s", list);
}

/* ---- the corpus ---- */

static int case_folders(struct dirent ***entries)
{
    int count = scandir(CORPUS, entries, NULL, alphasort);
    return count < 0 ? 0 : count;
}

int main(void)
{
    struct dirent **entries;
    int count = case_folders(&entries);
    hostile_case *cases = calloc((size_t)count + 1, sizeof *cases);
    struct CMUnitTest *tests = calloc((size_t)count + 2, sizeof *tests);
    if (!cases || !tests)
        return 1;
    int ncases = 0;
    for (int i = 0; i < count; i++) {
        char expect[1024];
        struct stat st;
        snprintf(expect, sizeof expect, "%s/%s/expect", CORPUS, entries[i]->d_name);
        if (entries[i]->d_name[0] != '.' && stat(expect, &st) == 0) {
            hostile_case *c = &cases[ncases];
            snprintf(c->name, sizeof c->name, "%s", entries[i]->d_name);
            snprintf(c->dir, sizeof c->dir, "%s/%s", CORPUS, entries[i]->d_name);
            tests[ncases++] = (struct CMUnitTest){
                .name = c->name, .test_func = case_is_graded_correctly, .initial_state = c};
        }
        free(entries[i]);
    }
    free(entries);
    if (ncases == 0) {
        fprintf(stderr, "test_hostile: no case found under %s/ (run from the project root)\n",
                CORPUS);
        return 1;
    }
    tests[ncases] = (struct CMUnitTest){.name = "sigterm-mid-trial",
                                        .test_func = sigterm_mid_trial_leaves_nothing};
    double start = now();
    int rc = _cmocka_run_group_tests("e2e_hostile", tests, (size_t)ncases + 1, NULL, NULL);
    fprintf(stderr, "test_hostile: %d cases in %.1f s\n", ncases, now() - start);
    free(tests);
    free(cases);
    return rc;
}
