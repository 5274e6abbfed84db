/*
 * test_tsan_parse.c - tests of the ThreadSanitizer log parser.
 *
 * Most cases are data: every tests/fixtures/tsan/NAME.log is parsed and its
 * findings rendered in the line format below, which must equal
 * NAME.expected byte for byte. On a mismatch the test prints the lines that
 * differ; run with TSAN_FIXTURES_UPDATE=1 to rewrite the .expected files
 * from the parser's output (then review them with git diff).
 *
 *   finding KIND "TITLE" pid=N count=N
 *     key KEY
 *     access [previous ][atomic ]write|read size=N T=N held=M0,M1|- "WHAT"
 *       #0 FUNC FILE:LINE:COL [MODULE]            (? for what is unknown)
 *     location "LOCATION"
 *     variable NAME
 *     location-stack
 *       #0 ...
 *     mutex M0 "DESCRIPTION"
 *       #0 ...
 *     thread T1 parent=N "DESCRIPTION"
 *       #0 ...
 *     summary SUMMARY
 *   unparsed N
 *
 * The other tests cover what a fixture cannot show well: dedup keys,
 * merging, name normalisation between clang versions, and hostile input
 * too large to keep as a file (a 100k-character line, 10k frames, 10k+1
 * reports), and every truncation of a real log. Run from the project root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tsan_parse.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIXTURES "tests/fixtures/tsan"

/* ---- rendering findings in the .expected format ---- */

static void render_stack(strbuf *sb, const tsan_stack *s)
{
    for (size_t i = 0; i < s->n; i++) {
        const tsan_frame *f = &s->frames[i];
        sb_printf(sb, "    #%zu %s ", i, f->func ? f->func : "?");
        if (f->file)
            sb_printf(sb, "%s:%d:%d", f->file, f->line, f->col);
        else
            sb_append(sb, "?");
        if (f->module)
            sb_printf(sb, " [%s]", f->module);
        sb_append(sb, "\n");
    }
}

static void render_access(strbuf *sb, const tsan_access *a)
{
    sb_printf(sb, "  access %s%s%s size=%d T=%d held=", a->is_previous ? "previous " : "",
              a->is_atomic ? "atomic " : "", a->is_write ? "write" : "read", a->size, a->thread);
    for (size_t i = 0; i < a->nmutexes; i++)
        sb_printf(sb, "%sM%d", i ? "," : "", a->mutexes[i]);
    sb_printf(sb, "%s \"%s\"\n", a->nmutexes ? "" : "-", a->what);
    render_stack(sb, &a->stack);
}

static void render_finding(strbuf *sb, const tsan_finding *f)
{
    sb_printf(sb, "finding %s \"%s\" pid=%d count=%u\n", tsan_kind_name(f->kind), f->title, f->pid,
              f->count);
    sb_printf(sb, "  key %s\n", f->key);
    for (size_t i = 0; i < f->naccesses; i++)
        render_access(sb, &f->accesses[i]);
    if (f->location)
        sb_printf(sb, "  location \"%s\"\n", f->location);
    if (f->variable)
        sb_printf(sb, "  variable %s\n", f->variable);
    if (f->location_stack.n) {
        sb_append(sb, "  location-stack\n");
        render_stack(sb, &f->location_stack);
    }
    for (size_t i = 0; i < f->nmutexes; i++) {
        sb_printf(sb, "  mutex M%d \"%s\"\n", f->mutexes[i].id, f->mutexes[i].description);
        render_stack(sb, &f->mutexes[i].created);
    }
    for (size_t i = 0; i < f->nthreads; i++) {
        sb_printf(sb, "  thread T%d parent=%d \"%s\"\n", f->threads[i].id, f->threads[i].created_by,
                  f->threads[i].description);
        render_stack(sb, &f->threads[i].created);
    }
    if (f->summary)
        sb_printf(sb, "  summary %s\n", f->summary);
}

static char *render(const tsan_findings *set)
{
    strbuf sb;
    sb_init(&sb);
    for (size_t i = 0; i < set->n; i++)
        render_finding(&sb, &set->items[i]);
    sb_printf(&sb, "unparsed %u\n", set->unparsed);
    return sb_take(&sb);
}

/* ---- helpers ---- */

static char *read_fixture(const char *name, size_t *len)
{
    char *path = path_join(FIXTURES, name), *text = NULL;
    rl_err err = {{0}};
    bool truncated = false;
    size_t n = 0;
    if (file_read(path, 64 << 20, &text, &n, &truncated, &err) != RL_OK)
        fail_msg("cannot read %s: %s", path, err.msg);
    free(path);
    if (len)
        *len = n;
    return text;
}

/* Parses len bytes copied into a buffer of exactly that size, so that
 * AddressSanitizer catches any read past the end. */
static void parse_exact(const char *text, size_t len, tsan_findings *out)
{
    char *copy = xmalloc(len ? len : 1);
    memcpy(copy, text, len);
    rl_err err = {{0}};
    assert_int_equal(tsan_parse(copy, len, out, &err), RL_OK);
    free(copy);
}

static void parse_string(const char *text, tsan_findings *out)
{
    parse_exact(text, strlen(text), out);
}

/* Prints where the rendering got differs from the one wanted, as a small
 * diff: the lines they share at the head and at the tail are skipped. */
static void print_diff(const char *name, const char *want, const char *got)
{
    strlist w = {0}, g = {0};
    char *a = xstrdup(want), *b = xstrdup(got), *save = NULL;
    for (char *line = strtok_r(a, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        strlist_push(&w, line);
    for (char *line = strtok_r(b, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        strlist_push(&g, line);
    size_t head = 0, tail = 0;
    while (head < w.n && head < g.n && strcmp(w.items[head], g.items[head]) == 0)
        head++;
    while (tail < w.n - head && tail < g.n - head &&
           strcmp(w.items[w.n - 1 - tail], g.items[g.n - 1 - tail]) == 0)
        tail++;
    fprintf(stderr, "--- %s\n+++ parsed\n@@ line %zu @@\n", name, head + 1);
    for (size_t i = head; i < w.n - tail; i++)
        fprintf(stderr, "-%s\n", w.items[i]);
    for (size_t i = head; i < g.n - tail; i++)
        fprintf(stderr, "+%s\n", g.items[i]);
    fprintf(stderr, "(TSAN_FIXTURES_UPDATE=1 rewrites the .expected files)\n");
    strlist_free(&w);
    strlist_free(&g);
    free(a);
    free(b);
}

/* ---- the data-driven fixture test ---- */

static void test_fixture(void **state)
{
    const char *log = *state;
    size_t len = 0, stem = strlen(log) - strlen(".log");
    char *text = read_fixture(log, &len);
    char *expected_name = xasprintf("%.*s.expected", (int)stem, log);
    tsan_findings set = {0};

    parse_exact(text, len, &set);
    char *got = render(&set);
    for (size_t i = 0; i < set.n; i++) {
        assert_non_null(set.items[i].raw);
        assert_non_null(strstr(set.items[i].raw, "SUMMARY: ThreadSanitizer: "));
    }
    if (getenv("TSAN_FIXTURES_UPDATE")) {
        char *path = path_join(FIXTURES, expected_name);
        rl_err err = {{0}};
        assert_int_equal(file_write(path, got, strlen(got), &err), RL_OK);
        free(path);
    } else {
        char *want = read_fixture(expected_name, NULL);
        if (strcmp(want, got) != 0) {
            print_diff(expected_name, want, got);
            fail_msg("%s: parsed findings differ from %s", log, expected_name);
        }
        free(want);
    }
    free(got);
    free(expected_name);
    free(text);
    tsan_findings_free(&set);
}

/* ---- keys and merging ---- */

/* One side of a race: the function, its line and its thread. */
typedef struct {
    const char *func;
    int line;
    int thread;
} side;

/* A data race report between access a (current) and b (previous). */
static char *race_report(int pid, side a, side b, const char *addr)
{
    return xasprintf("==================\n"
                     "WARNING: ThreadSanitizer: data race (pid=%d)\n"
                     "  Write of size 8 at %s by thread T%d:\n"
                     "    #0 %s bank.c:%d:13 (bank+0xd01a5) (BuildId: b868)\n"
                     "    #1 worker bank.c:40:5 (bank+0xd01b5) (BuildId: b868)\n"
                     "\n"
                     "  Previous write of size 8 at %s by thread T%d:\n"
                     "    #0 %s bank.c:%d:9 (bank+0xd01c5) (BuildId: b868)\n"
                     "\n"
                     "  Location is global 'balance' of size 8 at %s (bank+0x1476258)\n"
                     "\n"
                     "SUMMARY: ThreadSanitizer: data race bank.c:%d:13 in %s\n"
                     "==================\n",
                     pid, addr, a.thread, a.func, a.line, addr, b.thread, b.func, b.line, addr,
                     a.line, a.func);
}

static char *key_of(const char *text)
{
    tsan_findings set = {0};
    parse_string(text, &set);
    assert_int_equal(set.n, 1);
    char *key = tsan_finding_key(&set.items[0]);
    assert_string_equal(key, set.items[0].key);
    tsan_findings_free(&set);
    return key;
}

static void test_key_ignores_order_threads_addresses(void **state)
{
    (void)state;
    side deposit = {"deposit", 12, 2}, withdraw = {"withdraw", 20, 1};
    side deposit_t7 = {"deposit", 12, 7}, withdraw_t3 = {"withdraw", 20, 3};
    side deposit_13 = {"deposit", 13, 2};
    char *a = race_report(10, deposit, withdraw, "0x5555569ca258");
    char *b = race_report(99, withdraw_t3, deposit_t7, "0x7b0c0000000c"); /* swapped */
    char *c = race_report(10, deposit_13, withdraw, "0x5555569ca258");    /* another line */
    char *ka = key_of(a), *kb = key_of(b), *kc = key_of(c);
    assert_string_equal(ka, kb);
    assert_string_not_equal(ka, kc);
    free(a);
    free(b);
    free(c);
    free(ka);
    free(kb);
    free(kc);
}

static const tsan_finding *find_by_key(const tsan_findings *set, const char *key)
{
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->items[i].key, key) == 0)
            return &set->items[i];
    return NULL;
}

static void test_merge_counts_duplicates(void **state)
{
    (void)state;
    size_t len;
    char *text = read_fixture("multi.clang19.log", &len);
    tsan_findings src = {0}, dst = {0};
    parse_exact(text, len, &src);
    assert_int_equal(src.n, 3); /* two reports of bump() plus one of worker() */

    tsan_findings_merge(&dst, &src);
    tsan_findings_merge(&dst, &src);
    assert_int_equal(dst.n, 2);
    const tsan_finding *bump = find_by_key(&dst, "data race|multi.c:12:bump|multi.c:12:bump");
    const tsan_finding *calls = find_by_key(&dst, "data race|multi.c:40:worker|multi.c:40:worker");
    assert_non_null(bump);
    assert_non_null(calls);
    assert_int_equal(bump->count, 4);
    assert_int_equal(calls->count, 2);
    for (size_t i = 0; i < src.n; i++) /* src is left as it was */
        assert_int_equal(src.items[i].count, 1);
    assert_int_equal(src.n, 3);

    tsan_findings_free(&src);
    tsan_findings_free(&dst);
    free(text);
}

static void test_merge_keeps_unparsed_and_distinct(void **state)
{
    (void)state;
    side deposit = {"deposit", 12, 2}, deposit_14 = {"deposit", 14, 2};
    side withdraw = {"withdraw", 20, 1};
    char *a = race_report(1, deposit, withdraw, "0x1");
    char *b = race_report(2, deposit_14, withdraw, "0x1");
    tsan_findings sa = {0}, sb = {0}, dst = {0};
    parse_string(a, &sa);
    parse_string("WARNING: ThreadSanitizer: data race (pid=3)\n", &sb);
    parse_string(b, &sb);
    assert_int_equal(sb.unparsed, 1);
    tsan_findings_merge(&dst, &sa);
    tsan_findings_merge(&dst, &sb);
    assert_int_equal(dst.n, 2);
    assert_int_equal(dst.unparsed, 1);
    tsan_findings_free(&sa);
    tsan_findings_free(&sb);
    tsan_findings_free(&dst);
    free(a);
    free(b);
}

/* ---- clang 14 / clang 19 differences ---- */

static void test_interceptor_prefixes_removed(void **state)
{
    (void)state;
    static const char *const lines[] = {
        "    #0 __interceptor_pthread_mutex_lock <null> (a.out+0x6ef3a)",
        "    #0 ___interceptor_pthread_mutex_lock <null> (a.out+0x6ef3a) (BuildId: 0752)",
        "    #0 pthread_mutex_lock <null> (a.out+0x63b9e) (BuildId: daa0)",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        char *text = xasprintf("WARNING: ThreadSanitizer: double lock of a mutex (pid=1)\n%s\n"
                               "    #1 main m.c:20:5 (a.out+0xd0131)\n\n"
                               "SUMMARY: ThreadSanitizer: double lock of a mutex\n",
                               lines[i]);
        tsan_findings set = {0};
        parse_string(text, &set);
        assert_int_equal(set.n, 1);
        assert_int_equal(set.items[0].kind, TSAN_MUTEX_MISUSE);
        assert_int_equal(set.items[0].naccesses, 1);
        const tsan_stack *s = &set.items[0].accesses[0].stack;
        assert_int_equal(s->n, 2);
        assert_string_equal(s->frames[0].func, "pthread_mutex_lock");
        assert_null(s->frames[0].file);
        assert_string_equal(s->frames[0].module, "a.out");
        assert_string_equal(set.items[0].key, "double lock of a mutex|m.c:20:main");
        tsan_findings_free(&set);
        free(text);
    }
}

static void test_hint_lines_ignored(void **state)
{
    (void)state;
    static const char *const logs[] = {"lock_order.short.clang14.log",
                                       "lock_order.short.clang19.log"};
    char *keys[2];
    for (size_t i = 0; i < 2; i++) {
        size_t len;
        char *text = read_fixture(logs[i], &len);
        assert_non_null(strcasestr(text, "hint: use TSAN_OPTIONS"));
        tsan_findings set = {0};
        parse_exact(text, len, &set);
        assert_int_equal(set.n, 1);
        assert_int_equal(set.unparsed, 0);
        const tsan_finding *f = &set.items[0];
        assert_int_equal(f->naccesses, 2);
        assert_int_equal(f->accesses[0].stack.n, 2); /* the hint added no frame */
        for (size_t a = 0; a < f->naccesses; a++)
            assert_null(strcasestr(f->accesses[a].what, "hint"));
        keys[i] = xstrdup(f->key);
        tsan_findings_free(&set);
        free(text);
    }
    assert_string_equal(keys[0], keys[1]);
    free(keys[0]);
    free(keys[1]);
}

/* The same program built by clang 14 and clang 19 yields the same keys. */
static void test_same_keys_across_versions(void **state)
{
    (void)state;
    strlist names = {0};
    rl_err err = {{0}};
    assert_int_equal(dir_list(FIXTURES, &names, &err), RL_OK);
    for (size_t i = 0; i < names.n; i++) {
        const char *n14 = names.items[i];
        const char *at = strstr(n14, ".clang14.log");
        if (!at || at[strlen(".clang14.log")] != '\0')
            continue;
        char *n19 = xasprintf("%.*s.clang19.log", (int)(at - n14), n14);
        if (!strlist_contains(&names, n19)) {
            free(n19);
            continue;
        }
        tsan_findings s14 = {0}, s19 = {0};
        char *t14 = read_fixture(n14, NULL), *t19 = read_fixture(n19, NULL);
        parse_string(t14, &s14);
        parse_string(t19, &s19);
        for (size_t k = 0; k < s14.n; k++)
            if (!strstr(n14, "nosym") && !find_by_key(&s19, s14.items[k].key))
                fail_msg("%s: key %s not found in %s", n14, s14.items[k].key, n19);
        tsan_findings_free(&s14);
        tsan_findings_free(&s19);
        free(t14);
        free(t19);
        free(n19);
    }
    strlist_free(&names);
}

/* ---- tsan_stack_first ---- */

static bool is_lock_order_c(const char *file, void *ctx)
{
    (*(int *)ctx)++;
    return strcmp(file, "lock_order.c") == 0;
}

static bool never(const char *file, void *ctx)
{
    (void)file;
    (void)ctx;
    return false;
}

static void test_stack_first(void **state)
{
    (void)state;
    size_t len;
    char *text = read_fixture("signal_unsafe.clang19.log", &len);
    tsan_findings set = {0};
    parse_exact(text, len, &set);
    assert_true(set.n >= 1);
    const tsan_stack *s = &set.items[0].accesses[0].stack;
    assert_int_equal(s->n, 4);

    const tsan_frame *f = tsan_stack_first(s, NULL, NULL); /* skips malloc <null> */
    assert_non_null(f);
    assert_string_equal(f->func, "on_alarm");
    assert_string_equal(f->file, "signal_unsafe.c");
    assert_int_equal(f->line, 11);
    assert_int_equal(f->col, 12);
    assert_null(tsan_stack_first(s, never, NULL));
    tsan_findings_free(&set);
    free(text);

    text = read_fixture("lock_order.clang14.log", &len);
    parse_exact(text, len, &set);
    int calls = 0;
    f = tsan_stack_first(&set.items[0].threads[0].created, is_lock_order_c, &calls);
    assert_non_null(f);
    assert_string_equal(f->func, "main");
    assert_int_equal(calls, 1); /* the predicate only sees frames with a file */
    tsan_findings_free(&set);
    free(text);
}

/* ---- hostile input too large to keep as a fixture ---- */

static void test_hostile_long_line(void **state)
{
    (void)state;
    strbuf sb;
    sb_init(&sb);
    for (int i = 0; i < 100000; i++)
        sb_append(&sb, "x");
    sb_append(&sb, "\nWARNING: ThreadSanitizer: data race (pid=5)\n"
                   "  Write of size 4 at 0x10 by thread T1:\n    #0 ");
    for (int i = 0; i < 100000; i++)
        sb_append(&sb, "f");
    sb_append(&sb, " r.c:3:4 (r+0x1)\n\n  Previous write of size 4 at 0x10 by main thread:\n"
                   "    #0 main r.c:9:2 (r+0x2)\n\nSUMMARY: ThreadSanitizer: data race\n");
    tsan_findings set = {0};
    parse_exact(sb.data, sb.len, &set);
    assert_int_equal(set.n, 1);
    assert_int_equal(set.unparsed, 0);
    const tsan_frame *f = &set.items[0].accesses[0].stack.frames[0];
    assert_non_null(f->func); /* the line was cut: what is left is the function */
    assert_true(strlen(f->func) < 8192);
    assert_int_equal(set.items[0].accesses[1].thread, 0);
    tsan_findings_free(&set);
    sb_free(&sb);
}

static void test_hostile_many_frames(void **state)
{
    (void)state;
    strbuf sb;
    sb_init(&sb);
    sb_append(&sb, "WARNING: ThreadSanitizer: thread leak (pid=6)\n"
                   "  Thread T1 (tid=7, finished) created by main thread at:\n");
    for (int i = 0; i < 10000; i++)
        sb_printf(&sb, "    #%d f%d deep.c:%d:1 (deep+0x%x)\n", i, i, i + 1, i);
    sb_append(&sb, "\nSUMMARY: ThreadSanitizer: thread leak\n");
    tsan_findings set = {0};
    parse_exact(sb.data, sb.len, &set);
    assert_int_equal(set.n, 1);
    assert_int_equal(set.items[0].nthreads, 1);
    assert_int_equal(set.items[0].threads[0].created.n, 64);
    assert_string_equal(set.items[0].key, "thread leak|deep.c:1:f0");
    assert_true(strlen(set.items[0].raw) <= 64 * 1024 + 64);
    tsan_findings_free(&set);
    sb_free(&sb);
}

static void test_hostile_too_many_reports(void **state)
{
    (void)state;
    strbuf sb;
    sb_init(&sb);
    for (int i = 0; i < 10001; i++)
        sb_printf(&sb,
                  "WARNING: ThreadSanitizer: thread leak (pid=1)\n"
                  "  Thread T%d (tid=2, finished) created by main thread at:\n"
                  "    #0 main leak.c:%d:1 (leak+0x1)\n\n"
                  "SUMMARY: ThreadSanitizer: thread leak\n",
                  i + 1, i + 1);
    tsan_findings set = {0}, merged = {0};
    parse_exact(sb.data, sb.len, &set);
    assert_int_equal(set.n, 10000);
    assert_int_equal(set.unparsed, 1);
    tsan_findings_merge(&merged, &set);
    tsan_findings_merge(&merged, &set);
    assert_int_equal(merged.n, 10000);
    assert_int_equal(merged.items[9999].count, 2);
    tsan_findings_free(&set);
    tsan_findings_free(&merged);
    sb_free(&sb);
}

/* Every prefix of a real log parses without harm, into either the whole
 * report or a count of one that could not be read. */
static void test_every_truncation(void **state)
{
    (void)state;
    size_t len;
    char *text = read_fixture("race_mutex.clang19.log", &len);
    const char *summary = strstr(text, "SUMMARY: ThreadSanitizer:");
    assert_non_null(summary);
    size_t whole = (size_t)(summary - text) + strlen("SUMMARY: ThreadSanitizer:");
    size_t started = (size_t)(strstr(text, "WARNING") - text) + strlen("WARNING: ThreadSanitizer:");
    for (size_t n = 0; n <= len; n++) {
        tsan_findings set = {0};
        parse_exact(text, n, &set);
        assert_int_equal(set.n, n >= whole ? 1 : 0);
        assert_int_equal(set.unparsed, n >= started && n < whole ? 1 : 0);
        tsan_findings_free(&set);
    }
    free(text);
}

static void test_empty_and_null(void **state)
{
    (void)state;
    tsan_findings set = {0};
    rl_err err = {{0}};
    assert_int_equal(tsan_parse(NULL, 0, &set, &err), RL_OK);
    assert_int_equal(tsan_parse("", 0, &set, &err), RL_OK);
    assert_int_equal(set.n, 0);
    assert_int_equal(set.unparsed, 0);
    tsan_findings_free(&set);
}

static void test_kind_names(void **state)
{
    (void)state;
    assert_string_equal(tsan_kind_name(TSAN_DATA_RACE), "data race");
    assert_string_equal(tsan_kind_name(TSAN_LOCK_ORDER), "lock-order inversion");
    assert_string_equal(tsan_kind_name(TSAN_HEAP_USE_AFTER_FREE), "heap-use-after-free");
    assert_string_equal(tsan_kind_name(TSAN_THREAD_LEAK), "thread leak");
    assert_string_equal(tsan_kind_name(TSAN_SIGNAL_UNSAFE), "signal-unsafe call");
    assert_string_equal(tsan_kind_name(TSAN_SIGNAL_ERRNO), "signal handler spoils errno");
    assert_string_equal(tsan_kind_name(TSAN_MUTEX_MISUSE), "mutex misuse");
    assert_string_equal(tsan_kind_name(TSAN_OTHER), "other");
}

/* ---- the group: fixed tests, then one test per fixture log ---- */

static const struct CMUnitTest fixed[] = {
    cmocka_unit_test(test_key_ignores_order_threads_addresses),
    cmocka_unit_test(test_merge_counts_duplicates),
    cmocka_unit_test(test_merge_keeps_unparsed_and_distinct),
    cmocka_unit_test(test_interceptor_prefixes_removed),
    cmocka_unit_test(test_hint_lines_ignored),
    cmocka_unit_test(test_same_keys_across_versions),
    cmocka_unit_test(test_stack_first),
    cmocka_unit_test(test_hostile_long_line),
    cmocka_unit_test(test_hostile_many_frames),
    cmocka_unit_test(test_hostile_too_many_reports),
    cmocka_unit_test(test_every_truncation),
    cmocka_unit_test(test_empty_and_null),
    cmocka_unit_test(test_kind_names),
};

int main(void)
{
    strlist names = {0}, logs = {0};
    rl_err err = {{0}};
    if (dir_list(FIXTURES, &names, &err) != RL_OK) {
        fprintf(stderr, "test_tsan_parse: %s (run from the project root)\n", err.msg);
        return 1;
    }
    for (size_t i = 0; i < names.n; i++)
        if (name_matches("*.log", names.items[i]))
            strlist_push(&logs, names.items[i]);

    size_t nfixed = sizeof fixed / sizeof fixed[0], n = nfixed + logs.n;
    struct CMUnitTest *tests = xcalloc(n, sizeof *tests);
    memcpy(tests, fixed, sizeof fixed);
    for (size_t i = 0; i < logs.n; i++) {
        tests[nfixed + i].name = logs.items[i];
        tests[nfixed + i].test_func = test_fixture;
        tests[nfixed + i].initial_state = logs.items[i];
    }
    int failed = _cmocka_run_group_tests("tsan_parse", tests, n, NULL, NULL);
    free(tests);
    strlist_free(&logs);
    strlist_free(&names);
    return failed;
}
