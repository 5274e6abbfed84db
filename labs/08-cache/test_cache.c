/*
 * test_cache.c - visible tests for 08-cache: one feed writes, many screens read.
 *
 * The feed thread publishes quotes built by make_quote(): every price in a
 * quote is derived from its serial number, so a reader can tell a whole
 * quote from one stitched together out of two updates. Reader threads check
 * every quote they see and count the torn ones; the main thread checks the
 * counts after joining them. Thread counts come from RACELAB_THREADS (4 when
 * run by hand). Worker threads never call cmocka's assertions, which only
 * work on the main thread.
 *
 * The last test checks that readers share the cache: a reader's visit
 * callback waits (for up to two seconds) until a second reader is inside a
 * visit of the same quote at the same time. A read-write lock lets it in at
 * once; a plain mutex keeps it out, and the test fails after the wait.
 *
 * Run by hand: build/racelab check 08-cache (or `make grade`).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cache.h"
#include "racelab_lab.h"

#define NPAIRS 2          /* pairs in the stress test: readers and the feed meet often */
#define TOTAL_READS 16000 /* reads per test, shared out among the readers */
#define MIN_UPDATES 1000  /* the feed publishes at least this many, and on until readers finish */
#define MAX_THREADS 64
#define WAIT_SECONDS 2 /* how long a reader waits inside a visit for a second reader */

/* The quote the feed publishes as update `serial` of pair: every price follows
 * from the serial number, bids just below a base price and asks just above. */
static struct quote make_quote(int pair, long serial)
{
    struct quote q = {.serial = serial};
    long base = 1000000 + 7919 * serial + 100 * pair;
    for (int i = 0; i < QUOTE_DEPTH; i++) {
        q.bid[i] = base - i;
        q.ask[i] = base + 1 + i;
    }
    return q;
}

/* True if every field of *q comes from the same update of pair (serial 0 is
 * the all-zero quote the cache starts with). */
static bool quote_is_whole(const struct quote *q, int pair)
{
    struct quote want = {0};
    if (q->serial > 0)
        want = make_quote(pair, q->serial);
    for (int i = 0; i < QUOTE_DEPTH; i++)
        if (q->bid[i] != want.bid[i] || q->ask[i] != want.ask[i])
            return false;
    return q->serial >= 0;
}

/* A feed or a screen thread, and what it reports back. */
struct worker {
    pthread_t thread;
    pthread_barrier_t *start;
    struct cache *c;
    unsigned seed;             /* screen: which pairs to read */
    long reads;                /* screen: reads to do */
    long torn;                 /* screen out: quotes that mixed two updates */
    long backwards;            /* screen out: a pair's serial went down between two reads */
    long last[NPAIRS];         /* screen: latest serial seen of each pair */
    const struct quote *where; /* basics: the pointer a visit received */
    atomic_bool *readers_done; /* feed: publish until this is set */
    long updates;              /* feed out: quotes published */
};

/* Publishes quotes, taking turns between the pairs, until the screens are done. */
static void *feed(void *arg)
{
    struct worker *w = arg;
    pthread_barrier_wait(w->start);
    for (w->updates = 0; w->updates < MIN_UPDATES || !atomic_load(w->readers_done); w->updates++) {
        int pair = (int)(w->updates % NPAIRS);
        struct quote q = make_quote(pair, w->updates / NPAIRS + 1);
        cache_put(w->c, pair, &q);
    }
    return NULL;
}

/* Checks one quote of pair as a screen sees it. */
static void inspect(struct worker *w, int pair, const struct quote *q)
{
    if (!quote_is_whole(q, pair))
        w->torn++;
    else if (q->serial < w->last[pair])
        w->backwards++;
    else
        w->last[pair] = q->serial;
}

struct visit_arg {
    struct worker *w;
    int pair;
};

static void screen_visit(const struct quote *q, void *arg)
{
    struct visit_arg *v = arg;
    inspect(v->w, v->pair, q);
}

/* Reads random pairs, alternating cache_get and cache_visit. */
static void *screen(void *arg)
{
    struct worker *w = arg;
    pthread_barrier_wait(w->start);
    for (long i = 0; i < w->reads; i++) {
        int pair = rand_r(&w->seed) % NPAIRS;
        if (i % 2) {
            struct quote q;
            cache_get(w->c, pair, &q);
            inspect(w, pair, &q);
        } else {
            struct visit_arg v = {.w = w, .pair = pair};
            cache_visit(w->c, pair, screen_visit, &v);
        }
    }
    return NULL;
}

static void remember_where(const struct quote *q, void *arg)
{
    struct worker *w = arg;
    w->where = q;
}

/* One thread alone: what goes in comes out, and a visit sees the cache's own quote. */
static void quotes_basics_work_single_threaded(void **state)
{
    (void)state;
    struct cache *c = cache_create(3);
    assert_non_null(c);
    struct quote q, zero = {0};
    cache_get(c, 1, &q);
    assert_memory_equal(&q, &zero, sizeof q); /* a new cache holds all-zero quotes */

    struct quote put = make_quote(1, 5);
    cache_put(c, 1, &put);
    cache_get(c, 1, &q);
    assert_memory_equal(&q, &put, sizeof q);
    cache_get(c, 2, &q);
    assert_memory_equal(&q, &zero, sizeof q); /* the other pairs are untouched */

    struct worker a = {0}, b = {0}, other = {0};
    cache_visit(c, 1, remember_where, &a);
    cache_visit(c, 1, remember_where, &b);
    cache_visit(c, 2, remember_where, &other);
    assert_non_null(a.where);
    assert_memory_equal(a.where, &put, sizeof put);
    if (a.where != b.where || a.where == other.where)
        racelab_fail("cache_visit must pass a pointer to the quote inside the cache, not to a "
                     "copy: two visits of pair 1 got %p and %p, a visit of pair 2 got %p",
                     (void *)a.where, (void *)b.where, (void *)other.where);
    cache_destroy(c);
}

/* The feed publishes while screens read: every quote read must be whole,
 * and a pair's quotes must never go back to an older update. */
static void quotes_are_never_torn(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    struct cache *c = cache_create(NPAIRS);
    assert_non_null(c);
    pthread_barrier_t start;
    assert_int_equal(pthread_barrier_init(&start, NULL, (unsigned)n + 1), 0);
    atomic_bool done = false;
    struct worker screens[MAX_THREADS] = {0};
    struct worker writer = {.start = &start, .c = c, .readers_done = &done};
    unsigned seed = racelab_seed(1);
    for (int i = 0; i < n; i++) {
        screens[i] = (struct worker){
            .start = &start, .c = c, .seed = seed + (unsigned)i, .reads = TOTAL_READS / n};
        assert_int_equal(pthread_create(&screens[i].thread, NULL, screen, &screens[i]), 0);
    }
    assert_int_equal(pthread_create(&writer.thread, NULL, feed, &writer), 0);
    long torn = 0, backwards = 0;
    for (int i = 0; i < n; i++) {
        assert_int_equal(pthread_join(screens[i].thread, NULL), 0);
        torn += screens[i].torn;
        backwards += screens[i].backwards;
    }
    atomic_store(&done, true);
    assert_int_equal(pthread_join(writer.thread, NULL), 0);
    pthread_barrier_destroy(&start);

    struct quote q;
    for (int pair = 0; pair < NPAIRS; pair++) {
        cache_get(c, pair, &q);
        long last = writer.updates - 1 - (writer.updates - 1 - pair) % NPAIRS; /* its last update */
        struct quote want = make_quote(pair, last / NPAIRS + 1);
        if (q.serial != want.serial || !quote_is_whole(&q, pair))
            racelab_fail("after the feed's last update of pair %d (serial %ld) the cache holds "
                         "serial %ld%s",
                         pair, want.serial, q.serial, quote_is_whole(&q, pair) ? "" : ", torn");
    }
    cache_destroy(c);
    if (torn || backwards)
        racelab_fail("%d screen threads read %d quotes while the feed published %ld updates: "
                     "%ld were torn (prices from two different updates), %ld went back to an "
                     "older update",
                     n, n * (TOTAL_READS / n), writer.updates, torn, backwards);
}

/* The meeting point inside the readers' visits. */
struct meeting {
    pthread_mutex_t lock; /* guards every field below */
    pthread_cond_t changed;
    int inside;    /* readers inside a visit right now */
    bool met;      /* two readers were inside at the same time */
    bool gave_up;  /* a reader waited WAIT_SECONDS alone: nobody waits any more */
    double waited; /* seconds the lone reader waited */
};

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* The visit callback: waits until a second reader is inside a visit too, or
 * until WAIT_SECONDS have passed (then nobody waits any more). */
static void meet(const struct quote *q, void *arg)
{
    (void)q;
    struct meeting *m = arg;
    pthread_mutex_lock(&m->lock);
    m->inside++;
    if (m->inside >= 2)
        m->met = true;
    pthread_cond_broadcast(&m->changed);

    double began = now();
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += WAIT_SECONDS;
    while (!m->met && !m->gave_up)
        if (pthread_cond_timedwait(&m->changed, &m->lock, &until) != 0 && !m->met) {
            m->gave_up = true;
            m->waited = now() - began;
            pthread_cond_broadcast(&m->changed);
        }
    m->inside--;
    pthread_mutex_unlock(&m->lock);
}

struct reader {
    pthread_t thread;
    pthread_barrier_t *start;
    struct cache *c;
    struct meeting *m;
};

static void *visit_once(void *arg)
{
    struct reader *r = arg;
    pthread_barrier_wait(r->start);
    cache_visit(r->c, 0, meet, r->m);
    return NULL;
}

/* Readers of one quote must be inside cache_visit at the same time. */
static void readers_share_one_quote_at_once(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    struct cache *c = cache_create(1);
    assert_non_null(c);
    struct meeting m = {.inside = 0};
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_mutex_init(&m.lock, NULL);
    pthread_cond_init(&m.changed, &attr);
    pthread_condattr_destroy(&attr);
    pthread_barrier_t start;
    assert_int_equal(pthread_barrier_init(&start, NULL, (unsigned)n), 0);
    struct reader readers[MAX_THREADS];
    for (int i = 0; i < n; i++) {
        readers[i] = (struct reader){.start = &start, .c = c, .m = &m};
        assert_int_equal(pthread_create(&readers[i].thread, NULL, visit_once, &readers[i]), 0);
    }
    for (int i = 0; i < n; i++)
        assert_int_equal(pthread_join(readers[i].thread, NULL), 0);
    pthread_barrier_destroy(&start);
    pthread_cond_destroy(&m.changed);
    pthread_mutex_destroy(&m.lock);
    cache_destroy(c);
    if (!m.met)
        racelab_fail("%d readers visited the same quote, but never two at once: the first one "
                     "waited %.1f s inside cache_visit and no other reader got in. Readers are "
                     "shutting each other out (one mutex for everything?)",
                     n, m.waited);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quotes_basics_work_single_threaded),
        cmocka_unit_test(quotes_are_never_torn),
        cmocka_unit_test(readers_share_one_quote_at_once),
    };
    return cmocka_run_group_tests_name("cache", tests, NULL, NULL);
}
