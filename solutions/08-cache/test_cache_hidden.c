/*
 * test_cache_hidden.c - hidden tests for 08-cache (instructor only, never handed out).
 *
 * Beyond the visible tests: two feeds writing different pairs while screens
 * read all of them; a visit that must hold off cache_put of its pair for as
 * long as it runs (and see the same whole quote throughout); and a
 * cache_get that must not wait for a visit of the same pair. Test names
 * share the visible tests' prefixes (quotes_, readers_) so lab.ini globs
 * them into the same checks.
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
#include <string.h>
#include <time.h>

#include "cache.h"
#include "racelab_lab.h"

#define NPAIRS 4
#define TOTAL_READS 12000
#define MIN_UPDATES 600 /* per feed */
#define MAX_THREADS 64
#define WAIT_SECONDS 2

static struct quote make_quote(int pair, long serial)
{
    struct quote q = {.serial = serial};
    long base = 2000000 + 6151 * serial + 1000 * pair;
    for (int i = 0; i < QUOTE_DEPTH; i++) {
        q.bid[i] = base - 2 * i;
        q.ask[i] = base + 3 + i;
    }
    return q;
}

static bool quote_is_whole(const struct quote *q, int pair)
{
    struct quote want = {0};
    if (q->serial > 0)
        want = make_quote(pair, q->serial);
    return q->serial >= 0 && memcmp(q, &want, sizeof want) == 0;
}

/* A flag one thread raises and another waits for, with a time limit. The
 * waits happen inside visit callbacks, so they use a condition variable of
 * this file's own rather than sleep(), which the lab forbids in cache.c. */
struct flag {
    pthread_mutex_t lock; /* guards raised */
    pthread_cond_t changed;
    bool raised;
};

static void flag_init(struct flag *f)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->changed, &attr);
    pthread_condattr_destroy(&attr);
    f->raised = false;
}

static void flag_destroy(struct flag *f)
{
    pthread_cond_destroy(&f->changed);
    pthread_mutex_destroy(&f->lock);
}

static void flag_raise(struct flag *f)
{
    pthread_mutex_lock(&f->lock);
    f->raised = true;
    pthread_cond_broadcast(&f->changed);
    pthread_mutex_unlock(&f->lock);
}

/* Waits up to ms milliseconds for the flag; true if it was raised. */
static bool flag_wait(struct flag *f, long ms)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += ms % 1000 * 1000000;
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&f->lock);
    while (!f->raised && pthread_cond_timedwait(&f->changed, &f->lock, &until) == 0)
        ;
    bool raised = f->raised;
    pthread_mutex_unlock(&f->lock);
    return raised;
}

struct worker {
    pthread_t thread;
    pthread_barrier_t *start;
    struct cache *c;
    int first_pair;    /* feed: writes pairs first_pair and first_pair + 2 */
    unsigned seed;     /* screen */
    long reads;        /* screen */
    long torn;         /* screen out */
    long backwards;    /* screen out */
    long last[NPAIRS]; /* screen: latest serial seen per pair */
    atomic_bool *done; /* feed: publish until set */
    long updates;      /* feed out */
};

static void *feed(void *arg)
{
    struct worker *w = arg;
    pthread_barrier_wait(w->start);
    for (w->updates = 0; w->updates < MIN_UPDATES || !atomic_load(w->done); w->updates++) {
        int pair = w->first_pair + 2 * (int)(w->updates % 2);
        struct quote q = make_quote(pair, w->updates / 2 + 1);
        cache_put(w->c, pair, &q);
    }
    return NULL;
}

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

static void *screen(void *arg)
{
    struct worker *w = arg;
    pthread_barrier_wait(w->start);
    for (long i = 0; i < w->reads; i++) {
        int pair = rand_r(&w->seed) % NPAIRS;
        if (rand_r(&w->seed) % 2) {
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

/* Two feeds (pairs 0 and 2, pairs 1 and 3) and n screens reading every pair. */
static void quotes_stay_whole_with_two_feeds(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    struct cache *c = cache_create(NPAIRS);
    assert_non_null(c);
    pthread_barrier_t start;
    assert_int_equal(pthread_barrier_init(&start, NULL, (unsigned)n + 2), 0);
    atomic_bool done = false;
    struct worker screens[MAX_THREADS] = {0}, feeds[2] = {0};
    unsigned seed = racelab_seed(1) * 7919u;
    for (int i = 0; i < n; i++) {
        screens[i] = (struct worker){
            .start = &start, .c = c, .seed = seed + (unsigned)i, .reads = TOTAL_READS / n};
        assert_int_equal(pthread_create(&screens[i].thread, NULL, screen, &screens[i]), 0);
    }
    for (int f = 0; f < 2; f++) {
        feeds[f] = (struct worker){.start = &start, .c = c, .first_pair = f, .done = &done};
        assert_int_equal(pthread_create(&feeds[f].thread, NULL, feed, &feeds[f]), 0);
    }
    long torn = 0, backwards = 0;
    for (int i = 0; i < n; i++) {
        assert_int_equal(pthread_join(screens[i].thread, NULL), 0);
        torn += screens[i].torn;
        backwards += screens[i].backwards;
    }
    atomic_store(&done, true);
    for (int f = 0; f < 2; f++)
        assert_int_equal(pthread_join(feeds[f].thread, NULL), 0);
    pthread_barrier_destroy(&start);

    for (int f = 0; f < 2; f++)
        for (int k = 0; k < 2; k++) {
            int pair = f + 2 * k;
            long last = feeds[f].updates - 1 - (feeds[f].updates - 1 - k) % 2;
            struct quote q, want = make_quote(pair, last / 2 + 1);
            cache_get(c, pair, &q);
            if (memcmp(&q, &want, sizeof q) != 0)
                racelab_fail("pair %d should hold the feed's last update (serial %ld), but holds "
                             "serial %ld%s",
                             pair, want.serial, q.serial, quote_is_whole(&q, pair) ? "" : ", torn");
        }
    cache_destroy(c);
    if (torn || backwards)
        racelab_fail("two feeds and %d screens: of %d quotes read, %ld were torn and %ld went back "
                     "to an older update",
                     n, n * (TOTAL_READS / n), torn, backwards);
}

/* A visit that lets a cache_put of its own pair start, then watches. */
struct holder {
    struct cache *c;
    pthread_t writer;
    struct flag put_returned;
    bool returned_during_visit; /* cache_put finished while the visit was running */
    bool quote_changed;         /* the visited quote changed under the visit */
};

static void *put_new_quote(void *arg)
{
    struct holder *h = arg;
    struct quote q = make_quote(0, 2);
    cache_put(h->c, 0, &q);
    flag_raise(&h->put_returned);
    return NULL;
}

static void hold_and_watch(const struct quote *q, void *arg)
{
    struct holder *h = arg;
    struct quote before = *q;
    assert_int_equal(pthread_create(&h->writer, NULL, put_new_quote, h), 0);
    h->returned_during_visit = flag_wait(&h->put_returned, 50);
    h->quote_changed = memcmp(&before, q, sizeof before) != 0;
}

/* While a visit runs, a cache_put of its pair waits, and the quote stays as it was. */
static void quotes_stay_put_while_visited(void **state)
{
    (void)state;
    struct cache *c = cache_create(2);
    assert_non_null(c);
    struct quote first = make_quote(0, 1);
    cache_put(c, 0, &first);
    struct holder h = {.c = c};
    flag_init(&h.put_returned);
    cache_visit(c, 0, hold_and_watch, &h);
    assert_int_equal(pthread_join(h.writer, NULL), 0);
    flag_destroy(&h.put_returned);
    struct quote q, second = make_quote(0, 2);
    cache_get(c, 0, &q);
    cache_destroy(c);
    if (h.returned_during_visit || h.quote_changed)
        racelab_fail("a cache_put of the pair returned while a visit of it was still running "
                     "(the quote %s under the visit): visit must see the cache's own quote, "
                     "held still until it returns",
                     h.quote_changed ? "changed" : "did not change");
    if (memcmp(&q, &second, sizeof q) != 0)
        racelab_fail("after the visit, the cache_put that waited for it was lost: serial %ld "
                     "instead of 2",
                     q.serial);
}

/* A visit of pair 0 waits (up to WAIT_SECONDS) for a cache_get of pair 0 by
 * another thread to finish: readers of both kinds share the quote. */
struct sharer {
    struct cache *c;
    pthread_t getter;
    struct flag got;
    struct quote seen;
    bool in_time; /* the get finished while the visit waited */
};

static void *get_quote(void *arg)
{
    struct sharer *s = arg;
    cache_get(s->c, 0, &s->seen);
    flag_raise(&s->got);
    return NULL;
}

static void wait_for_getter(const struct quote *q, void *arg)
{
    (void)q;
    struct sharer *s = arg;
    assert_int_equal(pthread_create(&s->getter, NULL, get_quote, s), 0);
    s->in_time = flag_wait(&s->got, WAIT_SECONDS * 1000);
}

static void readers_get_while_another_visits(void **state)
{
    (void)state;
    struct cache *c = cache_create(1);
    assert_non_null(c);
    struct quote q = make_quote(0, 7);
    cache_put(c, 0, &q);
    struct sharer s = {.c = c};
    flag_init(&s.got);
    cache_visit(c, 0, wait_for_getter, &s);
    assert_int_equal(pthread_join(s.getter, NULL), 0);
    flag_destroy(&s.got);
    cache_destroy(c);
    if (!s.in_time)
        racelab_fail("a cache_get of a quote was still waiting after %d s for a cache_visit of "
                     "the same quote to end: readers must not shut out readers",
                     WAIT_SECONDS);
    assert_memory_equal(&s.seen, &q, sizeof q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quotes_stay_whole_with_two_feeds),
        cmocka_unit_test(quotes_stay_put_while_visited),
        cmocka_unit_test(readers_get_while_another_visits),
    };
    return cmocka_run_group_tests_name("cache_hidden", tests, NULL, NULL);
}
