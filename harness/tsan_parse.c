/*
 * tsan_parse.c - turns ThreadSanitizer log text into structured findings
 * (see tsan_parse.h).
 *
 * The format. A log holds reports like this one, possibly with other text
 * around them ("ThreadSanitizer: reported 2 warnings"):
 *
 *   ==================
 *   WARNING: ThreadSanitizer: data race (pid=3931)
 *     Write of size 8 at 0x5555569ca258 by thread T2 (mutexes: write M0):
 *       #0 deposit bank.c:10:13 (bank+0xd01a5) (BuildId: b868...)
 *
 *     Previous read of size 8 at 0x5555569ca258 by main thread:
 *       #0 main bank.c:17:5 (bank+0xd010f) (BuildId: b868...)
 *
 *     Location is global 'balance' of size 8 at 0x5555569ca258 (bank+0x1476258)
 *
 *     Mutex M0 (0x5555569ca260) created at:
 *       #0 pthread_mutex_init <null> (bank+0x52baf) (BuildId: b868...)
 *
 *     Thread T2 (tid=3934, running) created by main thread at:
 *       #0 pthread_create <null> (bank+0x513ad) (BuildId: b868...)
 *
 *   SUMMARY: ThreadSanitizer: data race bank.c:10:13 in deposit
 *   ==================
 *
 * Each report is a header line followed by sections: a section line ("Write
 * of size...", "Location is...", "Mutex M0...", "Thread T2...", "and:")
 * names what the frames below it belong to, and a blank line ends them.
 * Reports of misuse ("double lock of a mutex") and signal reports print
 * frames right under the header; they become accesses named after the
 * report. A crash is reported as "==PID==ERROR: ThreadSanitizer: SEGV on
 * unknown address ..." with the same frames and SUMMARY, and parses as
 * TSAN_OTHER.
 *
 * The design. The parser reads the text one line at a time into a bounded,
 * sanitised buffer (control bytes and NULs become '?', a trailing \r goes,
 * a line longer than TSAN_LINE_MAX is cut), so no later step can run past
 * the text or meet a NUL. A report opens at its WARNING (or ERROR) line and
 * is whole when its SUMMARY line arrives, the last line TSan prints before
 * the closing "=====" line. A report still open when a new one starts or the
 * text ends was truncated or interleaved with another process's output: it
 * is dropped and counted in unparsed. Lines the parser does not know are
 * skipped, so a newer TSan that adds a line still parses. Sizes are capped
 * (frames per stack, items per report, raw text, findings per set) so a
 * hostile log costs bounded memory.
 *
 * Differences between TSan versions handled here: clang 14 prints "Hint:"
 * where clang 19 prints "HINT:"; clang 19 adds "Signal N handler invoked
 * at:" above an errno report's frames; some runtimes name interceptor frames
 * __interceptor_X or ___interceptor_X (and the SUMMARY of clang 14 says "in
 * __interceptor_pthread_mutex_lock") where others print X; frames carry a
 * "(BuildId: ...)" suffix or not; unsymbolised frames are "<null> <null>
 * (module+0x...)".
 */
#include "tsan_parse.h"

#include "util.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TSAN_LINE_MAX 4096       /* bytes of one line kept; the rest is skipped */
#define TSAN_FRAMES_MAX 64       /* frames kept per stack */
#define TSAN_RAW_MAX (64 * 1024) /* bytes of a report's raw text kept */
#define TSAN_HELD_MAX 64         /* mutexes kept per access */

/* Where the frames of the coming lines go. */
typedef enum {
    TARGET_NONE,     /* no section yet: a frame opens an access named after the report */
    TARGET_DISCARD,  /* a section the parser does not keep ("As if synchronized via sleep") */
    TARGET_ACCESS,   /* accesses[index] */
    TARGET_LOCATION, /* location_stack */
    TARGET_MUTEX,    /* mutexes[index] */
    TARGET_THREAD    /* threads[index] */
} target_kind;

typedef struct {
    tsan_findings *out;
    tsan_finding cur; /* the open report */
    bool open;
    target_kind target;
    size_t index;
    strbuf raw;
    bool raw_cut; /* raw reached TSAN_RAW_MAX */
    bool garbled; /* the report mixes two reports (interleaved output) */
    char line[TSAN_LINE_MAX + 1];
} parser;

/* ---- small string helpers ---- */

/* Grows an array of n items of size bytes so that one more fits. The
 * capacity is implied: the array doubles whenever n reaches a power of two. */
static void *grow(void *items, size_t n, size_t size)
{
    if (n != 0 && (n & (n - 1)) != 0)
        return items;
    return xrealloc(items, (n ? 2 * n : 1) * size);
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Case-insensitive starts_with that advances *s past the prefix on a match. */
static bool eat(const char **s, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncasecmp(*s, prefix, n) != 0)
        return false;
    *s += n;
    return true;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Removes trailing spaces, and then the characters in chars, in place. */
static void trim_end(char *s, const char *chars)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    while (n > 0 && strchr(chars, s[n - 1]))
        n--;
    s[n] = '\0';
}

static char *skip_space(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return (char *)s;
}

/* Reads a decimal number at *s (clamped to INT_MAX) and advances past it;
 * -1 when there are no digits. */
static int read_number(const char **s)
{
    const char *p = *s;
    long long v = 0;
    if (!isdigit((unsigned char)*p))
        return -1;
    for (; isdigit((unsigned char)*p); p++)
        if (v < INT_MAX)
            v = v * 10 + (*p - '0');
    *s = p;
    return v > INT_MAX ? INT_MAX : (int)v;
}

/* The number right after the first occurrence of prefix in s, or -1. */
static int number_after(const char *s, const char *prefix)
{
    const char *p = strstr(s, prefix);
    if (!p)
        return -1;
    p += strlen(prefix);
    return read_number(&p);
}

/* "main thread" -> 0, "thread T12" -> 12, at the start of s; -1 otherwise. */
static int read_thread(const char *s)
{
    if (starts_with(s, "main thread"))
        return 0;
    if (starts_with(s, "thread T"))
        return number_after(s, "thread T");
    return -1;
}

/* ---- frames ---- */

/* A function name without the interceptor prefixes some runtimes print. */
static char *func_name(const char *s)
{
    static const char *const prefixes[] = {"___interceptor_", "__interceptor_trampoline_",
                                           "__interceptor_"};
    if (*s == '\0' || strcmp(s, "<null>") == 0)
        return NULL;
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (starts_with(s, prefixes[i]) && s[strlen(prefixes[i])] != '\0')
            return xstrdup(s + strlen(prefixes[i]));
    return xstrdup(s);
}

/* Cuts a trailing ":123" off s and returns 123, or -1 (s unchanged). */
static int cut_number_suffix(char *s)
{
    char *colon = strrchr(s, ':');
    const char *p;
    if (!colon || colon == s)
        return -1;
    p = colon + 1;
    int v = read_number(&p);
    if (v < 0 || *p != '\0')
        return -1;
    *colon = '\0';
    return v;
}

/* True when s looks like "file:line" or "file:line:col". */
static bool looks_like_location(const char *s)
{
    const char *colon = strrchr(s, ':');
    return colon && colon != s && isdigit((unsigned char)colon[1]);
}

/* Parses "file:line:col", "file:line", "file" or "<null>" into f. */
static void parse_location(char *s, tsan_frame *f)
{
    if (*s == '\0' || strcmp(s, "<null>") == 0)
        return;
    int last = cut_number_suffix(s);
    int before = last >= 0 ? cut_number_suffix(s) : -1;
    f->line = before >= 0 ? before : (last >= 0 ? last : 0);
    f->col = before >= 0 ? last : 0;
    f->file = *s ? xstrdup(s) : NULL;
}

/* Cuts the trailing "(module+0x...)" and "(BuildId: ...)" groups off s,
 * returning the module name and setting *offset. */
static char *cut_module(char *s, unsigned long long *offset)
{
    char *b = strstr(s, " (BuildId:");
    if (!b)
        b = strstr(s, "(BuildId:");
    if (b && ends_with(b, ")"))
        *b = '\0';
    trim_end(s, "");
    size_t n = strlen(s);
    if (n == 0 || s[n - 1] != ')')
        return NULL;
    char *open = strrchr(s, '(');
    char *plus = open ? strstr(open, "+0x") : NULL;
    if (!plus)
        return NULL;
    char *module = xstrndup(open + 1, (size_t)(plus - open - 1));
    *offset = strtoull(plus + 3, NULL, 16);
    *open = '\0';
    trim_end(s, "");
    return module;
}

/* Parses the text of a frame line after "#N ": "func file:line:col
 * (module+0x..) (BuildId: ..)", "func <null> (module+0x..)", "(module+0x..)",
 * or the common sanitizer form "0xPC in func file:line". */
static void parse_frame(char *s, tsan_frame *f)
{
    memset(f, 0, sizeof *f);
    f->module = cut_module(s, &f->offset);
    if (starts_with(s, "0x")) {
        s += strcspn(s, " ");
        s = skip_space(s);
        if (starts_with(s, "in "))
            s = skip_space(s + 3);
    }
    char *space = strrchr(s, ' ');
    if (!space) {
        if (looks_like_location(s))
            parse_location(s, f);
        else
            f->func = func_name(s);
        return;
    }
    *space = '\0';
    parse_location(space + 1, f);
    trim_end(s, "");
    f->func = func_name(s);
}

/* ---- the report being read ---- */

static tsan_stack *target_stack(parser *p)
{
    switch (p->target) {
    case TARGET_ACCESS:
        return &p->cur.accesses[p->index].stack;
    case TARGET_LOCATION:
        return &p->cur.location_stack;
    case TARGET_MUTEX:
        return &p->cur.mutexes[p->index].created;
    case TARGET_THREAD:
        return &p->cur.threads[p->index].created;
    case TARGET_NONE:
    case TARGET_DISCARD:
        break;
    }
    return NULL;
}

/* Adds an access described by what (copied) and points the frames at it;
 * NULL when the report already holds TSAN_ITEMS_MAX. */
static tsan_access *add_access(parser *p, const char *what)
{
    tsan_finding *f = &p->cur;
    p->target = TARGET_DISCARD;
    if (f->naccesses >= TSAN_ITEMS_MAX)
        return NULL;
    f->accesses = grow(f->accesses, f->naccesses, sizeof *f->accesses);
    tsan_access *a = &f->accesses[f->naccesses];
    memset(a, 0, sizeof *a);
    a->what = xstrdup(what);
    trim_end(a->what, ":");
    a->thread = -1;
    p->target = TARGET_ACCESS;
    p->index = f->naccesses++;
    return a;
}

static void add_held(tsan_access *a, int id)
{
    if (id < 0 || a->nmutexes >= TSAN_HELD_MAX)
        return;
    a->mutexes = grow(a->mutexes, a->nmutexes, sizeof *a->mutexes);
    a->mutexes[a->nmutexes++] = id;
}

static tsan_mutex *find_mutex(tsan_finding *f, int id)
{
    for (size_t i = 0; i < f->nmutexes; i++)
        if (f->mutexes[i].id == id)
            return &f->mutexes[i];
    return NULL;
}

/* The mutex with this id, added with description when new; NULL when the
 * report holds too many. */
static tsan_mutex *add_mutex(tsan_finding *f, int id, const char *description)
{
    tsan_mutex *m = find_mutex(f, id);
    if (m) {
        free(m->description);
        m->description = xstrdup(description);
        return m;
    }
    if (f->nmutexes >= TSAN_ITEMS_MAX)
        return NULL;
    f->mutexes = grow(f->mutexes, f->nmutexes, sizeof *f->mutexes);
    m = &f->mutexes[f->nmutexes++];
    memset(m, 0, sizeof *m);
    m->id = id;
    m->description = xstrdup(description);
    return m;
}

/* ---- section lines ---- */

/* "Mutex M1 acquired here while holding mutex M0 in thread T1:" and its
 * companion "Mutex M0 previously acquired by the same thread here:". */
static bool lock_order_line(parser *p, const char *s)
{
    const char *holding = strstr(s, " acquired here while holding mutex M");
    if (holding) {
        tsan_access *a = add_access(p, s);
        if (a) {
            const char *in = strstr(holding, " in ");
            a->thread = in ? read_thread(in + 4) : -1;
            add_held(a, number_after(holding, "holding mutex M"));
        }
        return true;
    }
    if (strstr(s, " previously acquired by the same thread")) {
        int thread = p->cur.naccesses ? p->cur.accesses[p->cur.naccesses - 1].thread : -1;
        tsan_access *a = add_access(p, s);
        if (a) {
            a->is_previous = true;
            a->thread = thread;
        }
        return true;
    }
    return false;
}

/* "Mutex M0 (0x...) created at:", "Mutex M0 is already destroyed." and the
 * lock-order lines. */
static void mutex_line(parser *p, const char *s)
{
    if (lock_order_line(p, s))
        return;
    int id = number_after(s, "Mutex M");
    tsan_mutex *m = id >= 0 ? add_mutex(&p->cur, id, s) : NULL;
    p->target = TARGET_DISCARD;
    if (m && ends_with(s, "at:") && m->created.n == 0) {
        p->target = TARGET_MUTEX;
        p->index = (size_t)(m - p->cur.mutexes);
    }
}

/* "Cycle in lock order graph: M0 (0x..) => M1 (0x..) => M0". */
static void cycle_line(parser *p, const char *s)
{
    const char *q = strchr(s, ':');
    p->target = TARGET_DISCARD;
    while (q && (q = strstr(q, "M")) != NULL) {
        const char *start = q++;
        int id = read_number(&q);
        if (id < 0 || (start > s && isalnum((unsigned char)start[-1])))
            continue;
        const char *end = strstr(q, " =>");
        size_t n = end ? (size_t)(end - start) : strlen(start);
        if (!find_mutex(&p->cur, id)) {
            char *description = xstrndup(start, n);
            add_mutex(&p->cur, id, description);
            free(description);
        }
    }
}

/* "Thread T2 'name' (tid=1915, running) created by main thread at:". */
static void thread_line(parser *p, const char *s)
{
    tsan_finding *f = &p->cur;
    p->target = TARGET_DISCARD;
    int id = number_after(s, "Thread T");
    if (id < 0 || f->nthreads >= TSAN_ITEMS_MAX)
        return;
    for (size_t i = 0; i < f->nthreads; i++)
        if (f->threads[i].id == id)
            p->garbled = true; /* a thread is described once per report */
    f->threads = grow(f->threads, f->nthreads, sizeof *f->threads);
    tsan_thread *t = &f->threads[f->nthreads];
    memset(t, 0, sizeof *t);
    t->id = id;
    t->description = xstrdup(s);
    const char *by = strstr(s, " created by ");
    t->created_by = by ? read_thread(by + strlen(" created by ")) : -1;
    p->target = TARGET_THREAD;
    p->index = f->nthreads++;
}

/* "Location is global 'x' of size 8 at ...", "Location is heap block of size
 * 40 at ... allocated by main thread:", "Location is stack of thread T1.".
 * Only the first location is kept; a stack location is followed by a
 * useless "global" one with no name. */
static void location_line(parser *p, const char *s)
{
    tsan_finding *f = &p->cur;
    const char *rest = s + strlen("Location is ");
    bool has_stack = ends_with(s, ":");
    p->target = TARGET_DISCARD;
    if (f->location)
        return;
    f->location = xstrdup(rest);
    trim_end(f->location, ":.");
    if (starts_with(rest, "global '")) {
        const char *name = rest + strlen("global '");
        const char *quote = strchr(name, '\'');
        if (quote && quote > name && strncmp(name, "?\?'", 3) != 0 &&
            strncmp(name, "<null>'", 7) != 0)
            f->variable = xstrndup(name, (size_t)(quote - name));
    }
    if (has_stack)
        p->target = TARGET_LOCATION;
}

/* Reads an access header: "[Previous ][atomic ]write|read of size N at 0x..
 * by thread T1[ (mutexes: write M0, read M1)]:", or the external-object form
 * "[Previous ]modifying|read-only access of T at 0x.. by ...". Returns
 * false when s is not one. */
static bool access_line(parser *p, const char *s)
{
    const char *q = s;
    bool previous = eat(&q, "previous ");
    bool atomic = eat(&q, "atomic ");
    bool write = eat(&q, "write ") || eat(&q, "modifying access ");
    if (!write && !eat(&q, "read ") && !eat(&q, "read-only access "))
        return false;
    const char *by = strstr(q, " by ");
    if (!by || !ends_with(s, ":"))
        return false;
    /* A race report has one access and one previous access; more means the
     * lines of two processes' reports got mixed. */
    if ((p->cur.kind == TSAN_DATA_RACE || p->cur.kind == TSAN_HEAP_USE_AFTER_FREE) &&
        p->cur.naccesses >= 2)
        p->garbled = true;
    tsan_access *a = add_access(p, s);
    if (!a)
        return true;
    a->is_previous = previous;
    a->is_atomic = atomic;
    a->is_write = write;
    a->size = number_after(q, "of size ");
    a->size = a->size < 0 ? 0 : a->size;
    a->thread = read_thread(by + 4);
    for (const char *m = strstr(s, "(mutexes:"); m && (m = strstr(m, " M")) != NULL;) {
        m += 2;
        add_held(a, read_number(&m));
    }
    return true;
}

/* Adds one frame line ("#3 ...") to the current section. */
static void frame_line(parser *p, char *s)
{
    if (p->target == TARGET_NONE && !add_access(p, p->cur.title))
        return;
    tsan_stack *st = target_stack(p);
    if (!st || st->n >= TSAN_FRAMES_MAX)
        return;
    s += 1 + strspn(s + 1, "0123456789");
    st->frames = grow(st->frames, st->n, sizeof *st->frames);
    parse_frame(skip_space(s), &st->frames[st->n++]);
}

/* A line inside a report (already trimmed at both ends). */
static void report_line(parser *p, char *s)
{
    if (*s == '\0') {
        p->target = TARGET_DISCARD; /* frames after a blank line belong to no section */
        return;
    }
    if (s[0] == '#' && isdigit((unsigned char)s[1])) {
        frame_line(p, s);
        return;
    }
    if (strncasecmp(s, "hint:", 5) == 0 || starts_with(s, "==") ||
        starts_with(s, "[failed to restore the stack]"))
        return;
    if (access_line(p, s))
        return;
    if (starts_with(s, "Location is "))
        location_line(p, s);
    else if (starts_with(s, "Mutex M"))
        mutex_line(p, s);
    else if (starts_with(s, "Cycle in lock order graph:"))
        cycle_line(p, s);
    else if (starts_with(s, "Thread T"))
        thread_line(p, s);
    else if (strcmp(s, "and:") == 0 || (starts_with(s, "Signal ") && ends_with(s, ":")))
        add_access(p, s);
    else if (ends_with(s, ":"))
        p->target = TARGET_DISCARD; /* a section this parser does not know */
}

/* ---- reports ---- */

static void abandon_report(parser *p)
{
    if (!p->open)
        return;
    tsan_finding_free(&p->cur);
    sb_free(&p->raw);
    p->out->unparsed++;
    p->open = false;
}

static tsan_kind kind_of(const char *title)
{
    static const struct {
        const char *prefix;
        tsan_kind kind;
    } kinds[] = {
        {"data race", TSAN_DATA_RACE},
        {"race on ", TSAN_DATA_RACE}, /* "race on external object" and named objects */
        {"lock-order-inversion", TSAN_LOCK_ORDER},
        {"heap-use-after-free", TSAN_HEAP_USE_AFTER_FREE},
        {"thread leak", TSAN_THREAD_LEAK},
        {"signal-unsafe call", TSAN_SIGNAL_UNSAFE},
        {"signal handler spoils errno", TSAN_SIGNAL_ERRNO},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (starts_with(title, kinds[i].prefix))
            return kinds[i].kind;
    return strstr(title, "mutex") ? TSAN_MUTEX_MISUSE : TSAN_OTHER;
}

/* Opens a report at its header: header points at "WARNING: ThreadSanitizer:"
 * or "ERROR: ThreadSanitizer:" inside line s ("==PID==ERROR: ..."). */
static void open_report(parser *p, const char *s, const char *header)
{
    abandon_report(p);
    memset(&p->cur, 0, sizeof p->cur);
    sb_free(&p->raw); /* empty: the last report took or freed it */
    p->raw_cut = false;
    p->garbled = false;
    p->open = true;
    p->target = TARGET_NONE;
    const char *rest = strstr(header, "ThreadSanitizer:") + strlen("ThreadSanitizer:");
    char *title = xstrdup(skip_space(rest));
    char *pid = strstr(title, " (pid=");
    p->cur.pid = -1;
    if (pid) {
        p->cur.pid = number_after(pid, "(pid=");
        *pid = '\0';
    } else if (starts_with(header, "ERROR")) {
        const char *q = s + 2;
        p->cur.pid = read_number(&q);
        title[strcspn(title, "(")] = '\0'; /* "SEGV on unknown address 0x0 (pc ...)" */
    }
    trim_end(title, "");
    p->cur.title = title;
    p->cur.kind = kind_of(title);
    p->cur.count = 1;
}

/* Completes the open report at its SUMMARY line. */
static void close_report(parser *p, const char *summary)
{
    tsan_finding *f = &p->cur;
    if (p->garbled) {
        abandon_report(p);
        return;
    }
    f->summary = xstrdup(skip_space(summary));
    trim_end(f->summary, "");
    f->raw = sb_take(&p->raw);
    f->key = tsan_finding_key(f);
    tsan_findings_push(p->out, f);
    p->open = false;
}

/* Adds a line to the open report's raw text, up to TSAN_RAW_MAX bytes. */
static void append_raw(parser *p, const char *s)
{
    size_t n = strlen(s);
    if (p->raw_cut)
        return;
    if (p->raw.len + n + 1 > TSAN_RAW_MAX) {
        sb_append(&p->raw, "[... report cut]\n");
        p->raw_cut = true;
        return;
    }
    sb_appendn(&p->raw, s, n);
    sb_appendn(&p->raw, "\n", 1);
}

/* One line of the log, trimmed at both ends. */
static void log_line(parser *p, char *s)
{
    const char *header = strstr(s, "WARNING: ThreadSanitizer:");
    if (!header) {
        header = strstr(s, "ERROR: ThreadSanitizer:");
        if (header && (header == s || header[-1] != '=' || !starts_with(s, "==")))
            header = NULL;
    }
    if (header) {
        open_report(p, s, header);
        append_raw(p, header);
        return;
    }
    if (!p->open)
        return;
    append_raw(p, s);
    const char *summary = strstr(s, "SUMMARY: ThreadSanitizer:");
    if (summary)
        close_report(p, summary + strlen("SUMMARY: ThreadSanitizer:"));
    else
        report_line(p, s);
}

/* Copies the line starting at text[pos] into p->line (at most TSAN_LINE_MAX
 * bytes, control bytes replaced, a trailing \r dropped) and returns the
 * position after its newline. */
static size_t read_line(parser *p, const char *text, size_t len, size_t pos)
{
    const char *start = text + pos;
    const char *nl = memchr(start, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - start) : len - pos;
    size_t next = nl ? pos + n + 1 : len;
    if (n > 0 && start[n - 1] == '\r')
        n--;
    if (n > TSAN_LINE_MAX)
        n = TSAN_LINE_MAX;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)start[i];
        p->line[i] = (c < 0x20 && c != '\t') || c == 0x7f ? '?' : (char)c;
    }
    p->line[n] = '\0';
    return next;
}

rl_status tsan_parse(const char *text, size_t len, tsan_findings *out, rl_err *err)
{
    (void)err;
    parser *p = xcalloc(1, sizeof *p);
    p->out = out;
    for (size_t pos = 0; text && pos < len;) {
        pos = read_line(p, text, len, pos);
        trim_end(p->line, "");
        log_line(p, skip_space(p->line));
    }
    abandon_report(p);
    sb_free(&p->raw);
    free(p);
    return RL_OK;
}
