/*
 * tsan_findings.c - what is done with findings once parsed (see
 * tsan_parse.h): their dedup keys, merging sets by key with an index so that
 * thousands of findings merge in linear time, copying and freeing, and the
 * names of kinds. The parser itself is in tsan_parse.c.
 */
#include "tsan_parse.h"

#include "util.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TSAN_FINDINGS_MAX 10000 /* findings kept per set */

static void free_stack(tsan_stack *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->frames[i].func);
        free(s->frames[i].file);
        free(s->frames[i].module);
    }
    free(s->frames);
    s->frames = NULL;
    s->n = 0;
}

static void free_access(tsan_access *a)
{
    free(a->what);
    free(a->mutexes);
    free_stack(&a->stack);
}

void tsan_finding_free(tsan_finding *f)
{
    for (size_t i = 0; i < f->naccesses; i++)
        free_access(&f->accesses[i]);
    free(f->accesses);
    for (size_t i = 0; i < f->nmutexes; i++) {
        free(f->mutexes[i].description);
        free_stack(&f->mutexes[i].created);
    }
    free(f->mutexes);
    for (size_t i = 0; i < f->nthreads; i++) {
        free(f->threads[i].description);
        free_stack(&f->threads[i].created);
    }
    free(f->threads);
    free(f->title);
    free(f->location);
    free(f->variable);
    free_stack(&f->location_stack);
    free(f->summary);
    free(f->raw);
    free(f->key);
    memset(f, 0, sizeof *f);
}

void tsan_findings_push(tsan_findings *set, tsan_finding *f)
{
    if (set->n >= TSAN_FINDINGS_MAX) {
        tsan_finding_free(f);
        set->unparsed++;
        return;
    }
    if (set->n == set->cap) {
        set->cap = set->cap ? 2 * set->cap : 8;
        set->items = xrealloc(set->items, set->cap * sizeof *set->items);
    }
    set->items[set->n++] = *f;
    memset(f, 0, sizeof *f);
}

/* "file:line:func" of the first frame with a known file (the first frame
 * when none has one), or "?" for an empty stack. */
static char *frame_key(const tsan_stack *s)
{
    const tsan_frame *f = tsan_stack_first(s, NULL, NULL);
    if (!f && s->n > 0)
        f = &s->frames[0];
    if (!f)
        return xstrdup("?");
    if (!f->file)
        return xasprintf("%s+0x%llx:%s", f->module ? f->module : "?", f->offset,
                         f->func ? f->func : "?");
    return xasprintf("%s:%d:%s", f->file, f->line, f->func ? f->func : "?");
}

static int compare_keys(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What names the bug in a key: the kind, or for misuse and other reports the
 * title up to its first address or parenthesis. */
static char *key_prefix(const tsan_finding *f)
{
    if (f->kind != TSAN_MUTEX_MISUSE && f->kind != TSAN_OTHER)
        return xstrdup(tsan_kind_name(f->kind));
    const char *t = f->title ? f->title : "";
    const char *addr = strstr(t, " 0x");
    size_t n = strcspn(t, "(");
    if (addr && (size_t)(addr - t) < n)
        n = (size_t)(addr - t);
    while (n > 0 && isspace((unsigned char)t[n - 1]))
        n--;
    return xstrndup(t, n);
}

/* The stacks a key is made of: for lock-order inversions every acquisition
 * (not the "previously acquired" ones: the cycle may be printed from any
 * mutex); otherwise the first two accesses; without accesses the first
 * stack printed. Fills keys (at most max) and returns their number. */
static size_t key_frames(const tsan_finding *f, char **keys, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < f->naccesses && n < max; i++) {
        if (f->kind == TSAN_LOCK_ORDER ? f->accesses[i].is_previous : n == 2)
            continue;
        keys[n++] = frame_key(&f->accesses[i].stack);
    }
    if (n > 0)
        return n;
    if (f->location_stack.n)
        keys[n++] = frame_key(&f->location_stack);
    else if (f->nmutexes && f->mutexes[0].created.n)
        keys[n++] = frame_key(&f->mutexes[0].created);
    else if (f->nthreads)
        keys[n++] = frame_key(&f->threads[0].created);
    return n;
}

char *tsan_finding_key(const tsan_finding *f)
{
    char *keys[TSAN_ITEMS_MAX];
    size_t n = key_frames(f, keys, TSAN_ITEMS_MAX);
    qsort(keys, n, sizeof keys[0], compare_keys);
    strbuf sb;
    sb_init(&sb);
    char *prefix = key_prefix(f);
    sb_append(&sb, prefix);
    free(prefix);
    for (size_t i = 0; i < n; i++) {
        sb_append(&sb, "|");
        sb_append(&sb, keys[i]);
        free(keys[i]);
    }
    return sb_take(&sb);
}

static void copy_stack(tsan_stack *to, const tsan_stack *from)
{
    to->n = from->n;
    to->frames = from->n ? xcalloc(from->n, sizeof *to->frames) : NULL;
    for (size_t i = 0; i < from->n; i++) {
        to->frames[i] = from->frames[i];
        to->frames[i].func = xstrdup(from->frames[i].func);
        to->frames[i].file = xstrdup(from->frames[i].file);
        to->frames[i].module = xstrdup(from->frames[i].module);
    }
}

static void copy_access(tsan_access *to, const tsan_access *from)
{
    *to = *from;
    to->what = xstrdup(from->what);
    to->mutexes = NULL;
    if (from->nmutexes) {
        to->mutexes = xcalloc(from->nmutexes, sizeof *to->mutexes);
        memcpy(to->mutexes, from->mutexes, from->nmutexes * sizeof *to->mutexes);
    }
    copy_stack(&to->stack, &from->stack);
}

/* A deep copy of f. */
static void copy_finding(tsan_finding *to, const tsan_finding *from)
{
    *to = *from;
    to->accesses = from->naccesses ? xcalloc(from->naccesses, sizeof *to->accesses) : NULL;
    for (size_t i = 0; i < from->naccesses; i++)
        copy_access(&to->accesses[i], &from->accesses[i]);
    to->mutexes = from->nmutexes ? xcalloc(from->nmutexes, sizeof *to->mutexes) : NULL;
    for (size_t i = 0; i < from->nmutexes; i++) {
        to->mutexes[i] = from->mutexes[i];
        to->mutexes[i].description = xstrdup(from->mutexes[i].description);
        copy_stack(&to->mutexes[i].created, &from->mutexes[i].created);
    }
    to->threads = from->nthreads ? xcalloc(from->nthreads, sizeof *to->threads) : NULL;
    for (size_t i = 0; i < from->nthreads; i++) {
        to->threads[i] = from->threads[i];
        to->threads[i].description = xstrdup(from->threads[i].description);
        copy_stack(&to->threads[i].created, &from->threads[i].created);
    }
    to->title = xstrdup(from->title);
    to->location = xstrdup(from->location);
    to->variable = xstrdup(from->variable);
    copy_stack(&to->location_stack, &from->location_stack);
    to->summary = xstrdup(from->summary);
    to->raw = xstrdup(from->raw);
    to->key = from->key ? xstrdup(from->key) : tsan_finding_key(from);
}

/* An open-addressing table from keys to indexes in a findings set, so that
 * merging n findings costs O(n), not O(n^2). */
typedef struct {
    size_t *slots; /* index + 1; 0 is empty */
    size_t mask;
} key_index;

static uint64_t hash_key(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The slot of key in the index: the one holding it, or the empty one where it goes. */
static size_t *index_slot(const key_index *ix, const tsan_findings *set, const char *key)
{
    for (size_t i = hash_key(key) & ix->mask;; i = (i + 1) & ix->mask)
        if (ix->slots[i] == 0 || strcmp(set->items[ix->slots[i] - 1].key, key) == 0)
            return &ix->slots[i];
}

void tsan_findings_merge(tsan_findings *dst, const tsan_findings *src)
{
    key_index ix;
    size_t size = 16;
    while (size < 2 * (dst->n + src->n))
        size *= 2;
    ix.slots = xcalloc(size, sizeof *ix.slots);
    ix.mask = size - 1;
    for (size_t i = 0; i < dst->n; i++) {
        if (!dst->items[i].key)
            dst->items[i].key = tsan_finding_key(&dst->items[i]);
        size_t *slot = index_slot(&ix, dst, dst->items[i].key);
        if (*slot == 0)
            *slot = i + 1;
    }
    for (size_t i = 0; i < src->n; i++) {
        const tsan_finding *f = &src->items[i];
        char *key = f->key ? NULL : tsan_finding_key(f);
        size_t *slot = index_slot(&ix, dst, f->key ? f->key : key);
        free(key);
        if (*slot != 0) {
            tsan_finding *d = &dst->items[*slot - 1];
            d->count = d->count > UINT_MAX - f->count ? UINT_MAX : d->count + f->count;
            continue;
        }
        tsan_finding copy;
        size_t before = dst->n;
        copy_finding(&copy, f);
        tsan_findings_push(dst, &copy);
        if (dst->n > before)
            *slot = dst->n;
    }
    dst->unparsed += src->unparsed;
    free(ix.slots);
}

void tsan_findings_free(tsan_findings *set)
{
    for (size_t i = 0; i < set->n; i++)
        tsan_finding_free(&set->items[i]);
    free(set->items);
    memset(set, 0, sizeof *set);
}

const char *tsan_kind_name(tsan_kind kind)
{
    switch (kind) {
    case TSAN_DATA_RACE:
        return "data race";
    case TSAN_LOCK_ORDER:
        return "lock-order inversion";
    case TSAN_HEAP_USE_AFTER_FREE:
        return "heap-use-after-free";
    case TSAN_THREAD_LEAK:
        return "thread leak";
    case TSAN_SIGNAL_UNSAFE:
        return "signal-unsafe call";
    case TSAN_SIGNAL_ERRNO:
        return "signal handler spoils errno";
    case TSAN_MUTEX_MISUSE:
        return "mutex misuse";
    case TSAN_OTHER:
        break;
    }
    return "other";
}

const char *tsan_kind_key(tsan_kind kind)
{
    static const char *const keys[TSAN_NKINDS] = {
        [TSAN_DATA_RACE] = "data_race",
        [TSAN_LOCK_ORDER] = "lock_order_inversion",
        [TSAN_HEAP_USE_AFTER_FREE] = "heap_use_after_free",
        [TSAN_THREAD_LEAK] = "thread_leak",
        [TSAN_SIGNAL_UNSAFE] = "signal_unsafe_call",
        [TSAN_SIGNAL_ERRNO] = "signal_handler_spoils_errno",
        [TSAN_MUTEX_MISUSE] = "mutex_misuse",
        [TSAN_OTHER] = "other",
    };
    return (unsigned)kind < TSAN_NKINDS ? keys[kind] : "other";
}

bool tsan_frame_is_probe(const tsan_frame *f)
{
    return f->func && strncmp(f->func, "racelab_probe_", 14) == 0;
}

const tsan_frame *tsan_stack_first(const tsan_stack *s, bool (*want)(const char *file, void *ctx),
                                   void *ctx)
{
    for (size_t i = 0; s && i < s->n; i++)
        if (s->frames[i].file && !tsan_frame_is_probe(&s->frames[i]) &&
            (!want || want(s->frames[i].file, ctx)))
            return &s->frames[i];
    return NULL;
}
