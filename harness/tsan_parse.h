/*
 * tsan_parse.h - turns ThreadSanitizer log text into structured findings.
 *
 * A log (one file written through TSAN_OPTIONS=log_path) holds zero or more
 * reports, each between two "==================" lines and starting with
 * "WARNING: ThreadSanitizer: <kind> (pid=N)". The parser accepts the output
 * of clang 14 and clang 19 (frames named __interceptor_X or X, "Hint:" or
 * "HINT:", "(BuildId: ...)" suffixes or none), and never trusts the text: a
 * truncated, interleaved or garbage log yields the reports that are whole,
 * plus a count of what could not be read, and never a crash.
 *
 * Ownership: tsan_parse fills a tsan_findings the caller owns and releases
 * with tsan_findings_free(); every string inside is owned by that set.
 */
#ifndef RL_TSAN_PARSE_H
#define RL_TSAN_PARSE_H

#include "rl.h"

#include <stdbool.h>
#include <stddef.h>

/* Accesses, mutexes and threads kept per report; more are dropped. */
#define TSAN_ITEMS_MAX 256

typedef enum {
    TSAN_DATA_RACE,           /* "data race" (also "data race on vptr ...") */
    TSAN_LOCK_ORDER,          /* "lock-order-inversion (potential deadlock)" */
    TSAN_HEAP_USE_AFTER_FREE, /* "heap-use-after-free" */
    TSAN_THREAD_LEAK,         /* "thread leak" */
    TSAN_SIGNAL_UNSAFE,       /* "signal-unsafe call inside of a signal" */
    TSAN_SIGNAL_ERRNO,        /* "signal handler spoils errno" */
    TSAN_MUTEX_MISUSE,        /* unlock of an unlocked mutex, double lock, destroy of a locked
                                 mutex, use of a destroyed mutex, ... */
    TSAN_OTHER                /* any other WARNING: ThreadSanitizer: line */
} tsan_kind;

#define TSAN_NKINDS (TSAN_OTHER + 1)

/* One stack frame. func and file are NULL when TSan printed <null> (or
 * nothing, as in "#2 (bank_test+0x6300)"); line/col are 0 when unknown. */
typedef struct {
    char *func; /* "deposit"; interceptor prefixes removed ("__interceptor_pthread_mutex_lock"
                   becomes "pthread_mutex_lock") */
    char *file; /* as printed after strip_path_prefix: "bank.c" or "/usr/include/x.h" */
    int line;
    int col;
    char *module;              /* "(bank_test+0xd0104)" module name "bank_test", or NULL */
    unsigned long long offset; /* 0xd0104 in the example above; 0 when not printed */
} tsan_frame;

typedef struct {
    tsan_frame *frames;
    size_t n;
} tsan_stack;

/* One memory access or one mutex acquisition in a report. */
typedef struct {
    char *what;    /* the header line, trimmed, without its ':': "Write of size 4 at 0x...
                      by thread T2 (mutexes: write M0)"; for stacks printed right under the
                      title (misuse, signal and crash reports): the title, "and" or
                      "Signal 14 handler invoked at" */
    bool is_write; /* Write / atomic write; false for Read */
    bool is_atomic;
    bool is_previous; /* "Previous write ..." */
    int size;         /* bytes, 0 when not given */
    int thread;       /* T<n> -> n; main thread -> 0; -1 unknown */
    int *mutexes;     /* ids of mutexes held (M12 -> 12), in printed order */
    size_t nmutexes;
    tsan_stack stack;
} tsan_access;

typedef struct {
    int id;            /* M12 -> 12 */
    char *description; /* "Mutex M12 (0x...) created at:" line, trimmed */
    tsan_stack created;
} tsan_mutex;

typedef struct {
    int id;            /* T2 -> 2 */
    char *description; /* "Thread T2 (tid=1915, running) created by main thread at:" trimmed */
    int created_by;    /* parent thread id, 0 for main, -1 unknown */
    tsan_stack created;
} tsan_thread;

/* One report. */
typedef struct {
    tsan_kind kind;
    char *title; /* text after "ThreadSanitizer: " up to " (pid=": "data race" */
    int pid;
    tsan_access *accesses; /* data race: current then previous; lock-order: each edge's
                              acquisition (holding the other mutex), each followed by its
                              "previously acquired" stack (is_previous) when
                              second_deadlock_stack=1; use-after-free: the bad access then
                              the free; thread leak: none; signal kinds: the call; mutex
                              misuse: the misuse, then any "and:" stack */
    size_t naccesses;
    char *location;            /* "global 'balance' of size 8 at 0x..." / "heap block of size 40
                                  at 0x... allocated by main thread" / "stack of main thread":
                                  the first "Location is" line without its final ':' or '.',
                                  or NULL */
    char *variable;            /* "balance" for a global, NULL otherwise (TSan does not name
                                  stack variables) */
    tsan_stack location_stack; /* where the heap block was allocated, when printed */
    tsan_mutex *mutexes;       /* lock-order: the cycle's mutexes, described "M0 (0x...)" */
    size_t nmutexes;
    tsan_thread *threads;
    size_t nthreads;
    char *summary;  /* the SUMMARY line without "SUMMARY: ThreadSanitizer: " */
    char *raw;      /* the whole report text, for verbatim display */
    char *key;      /* dedup key, see tsan_finding_key */
    unsigned count; /* how many reports were merged into this one (1 when parsed) */
} tsan_finding;

typedef struct {
    tsan_finding *items;
    size_t n;
    size_t cap;
    unsigned unparsed; /* reports begun but not readable (truncated, garbled, interleaved),
                          plus reports dropped past the cap of 10,000 findings */
} tsan_findings;

/* Parses text (len bytes, need not be NUL-terminated) and appends every
 * report to out. A report is whole once its SUMMARY line is read. Returns
 * RL_OK even for garbage (counted in out->unparsed); running out of memory
 * aborts in xmalloc, so in practice it always returns RL_OK. */
rl_status tsan_parse(const char *text, size_t len, tsan_findings *out, rl_err *err);

/* The dedup key of a finding: its kind plus the sorted pair of the first
 * frames (file:line:func) of its first two accesses; for kinds without
 * accesses, the kind plus the first frame of its first stack. Two reports of
 * the same bug at the same pair of lines have the same key whatever the
 * thread numbers, addresses and order of the two accesses. Returns a new
 * string the caller frees.
 * Details: a stack's "first frame" is its first with a known file
 * (interceptor frames such as "pthread_mutex_lock <null>" are skipped),
 * else module+offset; a lock-order key lists the acquisition of every edge
 * of the cycle; misuse and other reports use their title instead of the
 * kind, up to its first '(' or address ("double lock of a mutex"). Example:
 * "data race|bank.c:10:deposit|bank.c:17:main". */
char *tsan_finding_key(const tsan_finding *f);

/* Adds every finding of src to dst, merging those with equal keys (counts
 * add up; dst keeps the first report's details), and adds src's unparsed
 * count to dst's. src is left unchanged; dst and src must differ. */
void tsan_findings_merge(tsan_findings *dst, const tsan_findings *src);

void tsan_findings_free(tsan_findings *set);

/* Frees what one finding owns (not f itself), e.g. when a caller drops it from a set. */
void tsan_finding_free(tsan_finding *f);

/* Moves f into set (f is left zeroed), or frees it and counts it in
 * set->unparsed when the set already holds 10,000 findings. */
void tsan_findings_push(tsan_findings *set, tsan_finding *f);

/* A constant, human word for a kind: "data race", "lock-order inversion". */
const char *tsan_kind_name(tsan_kind kind);

/* The kind's name as a lab.ini key suffix, every character but letters and
 * digits made '_': "data_race", "lock_order_inversion" (constant). */
const char *tsan_kind_key(tsan_kind kind);

/* True for a frame of racelab's probe (racelab_probe_*), which stands
 * between the student's code and the primitive it calls: keys and reports
 * look past it to the student's frame. */
bool tsan_frame_is_probe(const tsan_frame *f);

/* The first frame of a stack whose file is accepted by want (e.g. "is a
 * student file"), or NULL. want may be NULL: then the first frame with a
 * known file. The frame is owned by the stack. */
const tsan_frame *tsan_stack_first(const tsan_stack *s, bool (*want)(const char *file, void *ctx),
                                   void *ctx);

#endif
