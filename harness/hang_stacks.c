/*
 * hang_stacks.c - each thread's stack of a hung run, taken with gdb and
 * read back (see hang_stacks.h).
 */
#include "hang_stacks.h"

#include "run.h"
#include "toolchain.h"
#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROC_SCAN_CAP 8192 /* processes of the machine looked at to find the run's */
#define NAME_CAP 200       /* bytes kept of a function, file or thread name */

static char *gdb_path(void)
{
    const char *want = getenv("RACELAB_GDB");
    return toolchain_find_program(want && *want ? want : "gdb");
}

bool hang_stacks_available(void)
{
    char *gdb = gdb_path();
    free(gdb);
    return gdb != NULL;
}

/* The parent of pid from /proc/PID/stat, or -1. */
static pid_t parent_of(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *paren = strrchr(buf, ')'); /* the name may hold anything */
    int ppid = -1;
    if (!paren || sscanf(paren + 1, " %*c %d", &ppid) != 1)
        return -1;
    return (pid_t)ppid;
}

/* True when pid runs racelab's own binary (the sandbox's init) or the
 * symbolizer ThreadSanitizer starts to print a report: not the program. */
static bool is_racelab(pid_t pid)
{
    char path[64], exe[4096], self[4096];
    snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
    ssize_t a = readlink(path, exe, sizeof exe - 1);
    ssize_t b = readlink("/proc/self/exe", self, sizeof self - 1);
    if (a <= 0 || b <= 0)
        return false;
    exe[a] = self[b] = '\0';
    const char *slash = strrchr(exe, '/');
    return strcmp(exe, self) == 0 || strncmp(slash ? slash + 1 : exe, "llvm-symbolizer", 15) == 0;
}

/* The run's processes: leader and its descendants, breadth first, racelab's
 * own left out; at most cap in out, all of them counted in *total. */
static size_t run_processes(pid_t leader, pid_t *out, size_t cap, size_t *total)
{
    pid_t *pids = xcalloc(PROC_SCAN_CAP, sizeof *pids);
    pid_t *parents = xcalloc(PROC_SCAN_CAP, sizeof *parents);
    size_t n = 0;
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL && n < PROC_SCAN_CAP) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        pids[n] = (pid_t)atol(e->d_name);
        parents[n] = parent_of(pids[n]);
        n++;
    }
    if (d)
        closedir(d);
    pid_t queue[PROC_SCAN_CAP];
    size_t head = 0, tail = 0, found = 0;
    queue[tail++] = leader;
    *total = 0;
    while (head < tail) {
        pid_t p = queue[head++];
        if (!is_racelab(p) && (*total)++ < cap)
            out[found++] = p;
        for (size_t i = 0; i < n && tail < PROC_SCAN_CAP; i++)
            if (parents[i] == p)
                queue[tail++] = pids[i];
    }
    free(pids);
    free(parents);
    return found;
}

/* pid as the process itself sees it (the last NSpid of /proc/PID/status:
 * its pid in its own pid namespace), or pid itself. */
static pid_t own_pid(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    pid_t found = pid;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "NSpid:", 6) == 0) {
            char *last = strrchr(line, '\t');
            long v = last ? strtol(last + 1, NULL, 10) : 0;
            if (v > 0)
                found = (pid_t)v;
        }
    if (f)
        fclose(f);
    return found;
}

char *hang_stacks_take(pid_t leader)
{
    char *gdb = gdb_path();
    if (!gdb)
        return NULL;
    pid_t procs[HANG_STACKS_PROCESSES];
    size_t total = 0;
    size_t n = run_processes(leader, procs, HANG_STACKS_PROCESSES, &total);
    if (total > HANG_STACKS_TREE_MAX) {
        free(gdb);
        return NULL;
    }
    static const char *const envp[] = {"PATH=/usr/bin:/bin", "LC_ALL=C", "HOME=/nonexistent",
                                       "DEBUGINFOD_URLS=", NULL};
    run_spec specs[HANG_STACKS_PROCESSES];
    run_outcome outs[HANG_STACKS_PROCESSES];
    char pid_text[HANG_STACKS_PROCESSES][24];
    const char *argv[HANG_STACKS_PROCESSES][24];
    for (size_t i = 0; i < n; i++) {
        snprintf(pid_text[i], sizeof pid_text[i], "%d", (int)own_pid(procs[i]));
        /* no init files, no scripts from the program's binary, no network */
        const char *a[] = {gdb,    "-nx",
                           "-nh",  "-batch",
                           "-iex", "set auto-load python-scripts off",
                           "-iex", "set auto-load gdb-scripts off",
                           "-iex", "set auto-load local-gdbinit off",
                           "-iex", "set debuginfod enabled off",
                           "-iex", "set width 0",
                           "-iex", "set print frame-arguments scalars",
                           "-p",   pid_text[i],
                           "-ex",  "thread apply all bt " /* frames */ "48",
                           NULL};
        memcpy(argv[i], a, sizeof a);
        /* gdb runs inside the trial's namespaces, as its user: a binary
         * crafted to attack gdb's readers gains nothing the trial had not */
        specs[i] = (run_spec){.argv = argv[i],
                              .envp = envp,
                              .cwd = "/",
                              .timeout = HANG_STACKS_SECONDS,
                              .output_cap = HANG_STACKS_TEXT_CAP / HANG_STACKS_PROCESSES,
                              .join = procs[i]};
    }
    strbuf sb;
    sb_init(&sb);
    if (n > 0 && run_all(specs, outs, n, (int)n, NULL) == RL_OK) {
        for (size_t i = 0; i < n; i++) {
            sb_printf(&sb, "process %s\n%s\n", pid_text[i], outs[i].output ? outs[i].output : "");
            run_outcome_free(&outs[i]);
        }
    }
    free(gdb);
    return sb_take(&sb);
}

/* ---- reading gdb's text ---- */

/* A decimal number at s as an int; 0 when it is none or too large. */
static int number_at(const char *s)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    return end != s && v > 0 && v <= INT_MAX ? (int)v : 0;
}

static char *capped(const char *s, size_t n)
{
    return xstrndup(s, n < NAME_CAP ? n : NAME_CAP);
}

/* The variable a frame's argument points to: NAME of "0x55... <NAME>" or
 * "<NAME+8>". New string, or NULL. */
static char *symbol_in(const char *args, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (args[i] != '<' || !(isalpha((unsigned char)args[i + 1]) || args[i + 1] == '_'))
            continue;
        size_t k = i + 1;
        while (k < len && (isalnum((unsigned char)args[k]) || args[k] == '_' || args[k] == '.'))
            k++;
        if (k < len && (args[k] == '>' || args[k] == '+'))
            return capped(args + i + 1, k - i - 1);
    }
    return NULL;
}

/* "#3  0x000055... in transfer (arg=0x0) at bank.c:16" or "#0  futex_wait
 * (...) at ../x.h:146" or "#4  0x... in pthread_mutex_lock ()" or "... from
 * /lib/libc.so.6". False when the line is no frame. */
static bool parse_frame(const char *s, tsan_frame *f, char **symbol)
{
    memset(f, 0, sizeof *f);
    *symbol = NULL;
    if (*s++ != '#' || !isdigit((unsigned char)*s))
        return false;
    while (isdigit((unsigned char)*s))
        s++;
    while (*s == ' ')
        s++;
    if (s[0] == '0' && s[1] == 'x') {
        s += 2;
        while (isxdigit((unsigned char)*s))
            s++;
        if (strncmp(s, " in ", 4) != 0)
            return false;
        s += 4;
    }
    size_t name = strcspn(s, " (");
    if (name == 0)
        return false;
    f->func = capped(s, name);
    s += name;
    while (*s == ' ')
        s++;
    if (*s == '(') { /* the arguments, to the matching parenthesis */
        const char *open = s;
        int depth = 0;
        bool quoted = false;
        for (; *s; s++) {
            if (*s == '"' && s[-1] != '\\')
                quoted = !quoted;
            else if (!quoted && *s == '(')
                depth++;
            else if (!quoted && *s == ')' && --depth == 0) {
                s++;
                break;
            }
        }
        *symbol = symbol_in(open, (size_t)(s - open));
    }
    const char *at = strstr(s, " at ");
    if (at) {
        at += 4;
        const char *colon = strrchr(at, ':');
        if (colon && isdigit((unsigned char)colon[1])) {
            f->file = capped(at, (size_t)(colon - at));
            f->line = number_at(colon + 1);
        }
    }
    return true;
}

static void add_thread(hang_stacks *out, int process, const char *line)
{
    if (out->n >= HANG_STACKS_THREADS)
        return;
    out->threads = xrealloc(out->threads, (out->n + 1) * sizeof *out->threads);
    hang_thread *t = &out->threads[out->n++];
    memset(t, 0, sizeof *t);
    t->process = process;
    t->number = number_at(line + 7);
    /* Thread 2 (Thread 0x7f... (LWP 29344) "name"): */
    const char *end = strrchr(line, '"'), *start = NULL;
    for (const char *q = end ? end - 1 : NULL; q && q > line; q--)
        if (*q == '"') {
            start = q + 1;
            break;
        }
    if (start && end > start)
        t->name = capped(start, (size_t)(end - start));
}

static void add_frame(hang_thread *t, tsan_frame *f, char *symbol)
{
    if (t->stack.n >= HANG_STACKS_FRAMES) {
        free(f->func);
        free(f->file);
        free(symbol);
        return;
    }
    if (f->func && strncmp(f->func, "__tsan::", 8) == 0)
        t->racelab = true; /* the sanitizer's background thread */
    t->stack.frames = xrealloc(t->stack.frames, (t->stack.n + 1) * sizeof *t->stack.frames);
    t->symbols = xrealloc(t->symbols, (t->stack.n + 1) * sizeof *t->symbols);
    t->symbols[t->stack.n] = symbol;
    t->stack.frames[t->stack.n++] = *f;
}

void hang_stacks_parse(const char *text, hang_stacks *out)
{
    memset(out, 0, sizeof *out);
    int process = 0;
    hang_thread *current = NULL;
    for (const char *s = text; s && *s;) {
        size_t n = strcspn(s, "\n");
        char *line = xstrndup(s, n);
        s += n + (s[n] == '\n');
        if (strncmp(line, "process ", 8) == 0) {
            process = number_at(line + 8);
            current = NULL;
        } else if (strncmp(line, "Thread ", 7) == 0 && isdigit((unsigned char)line[7])) {
            size_t before = out->n;
            add_thread(out, process, line);
            current = out->n > before ? &out->threads[out->n - 1] : NULL;
        } else if (current && line[0] == '#') {
            tsan_frame f;
            char *symbol = NULL;
            if (parse_frame(line, &f, &symbol))
                add_frame(current, &f, symbol);
        }
        free(line);
    }
}

void hang_stacks_free(hang_stacks *s)
{
    for (size_t i = 0; i < s->n; i++) {
        hang_thread *t = &s->threads[i];
        for (size_t k = 0; k < t->stack.n; k++) {
            free(t->stack.frames[k].func);
            free(t->stack.frames[k].file);
            free(t->stack.frames[k].module);
            free(t->symbols[k]);
        }
        free(t->stack.frames);
        free(t->symbols);
        free(t->name);
    }
    free(s->threads);
    memset(s, 0, sizeof *s);
}
