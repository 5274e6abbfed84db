/*
 * test_hits_hidden.c - hidden tests for 04-hits (instructor only, never handed out).
 *
 * Harder versions of the visible tests: several log rotators taking different
 * pages while hits arrive on random pages drawn from the trial's seed, two
 * sets of counters in use at once (counters kept in a global instead of in
 * struct hits would mix them up), and a site with many pages. Test names
 * share the visible tests' prefixes so that they read as the same checks.
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

#include "hits.h"
#include "racelab_lab.h"

#define MAX_THREADS 64
#define HITS_PER_TEST 6000 /* each of a test's n threads records HITS_PER_TEST / n */
#define HOT_PAGES 6        /* pages hit in the rotation test */
#define SITE_PAGES 1000    /* pages of the large site */

/* One thread's orders and its report. */
struct worker {
    pthread_t thread;
    pthread_barrier_t *start;
    struct hits *sets[2]; /* recorders: hit sets[i % nsets]; takers: take from sets[0] */
    int nsets;
    long nhits;
    unsigned seed;
    int first_page, npages;      /* the pages this worker records on, or takes */
    long recorded[2][HOT_PAGES]; /* out: hits recorded per set and page */
    long taken[HOT_PAGES];       /* out (taker): sum of takes per page */
    atomic_int *recorders_left;
};

static void *random_recorder(void *arg)
{
    struct worker *w = arg;
    pthread_barrier_wait(w->start);
    for (long i = 0; i < w->nhits; i++) {
        int set = (int)(i % w->nsets);
        int page = w->first_page + rand_r(&w->seed) % w->npages;
        hits_record(w->sets[set], page);
        w->recorded[set][page]++;
    }
    if (w->recorders_left)
        atomic_fetch_sub(w->recorders_left, 1);
    return NULL;
}

static void *page_taker(void *arg)
{
    struct worker *w = arg;
    pthread_barrier_wait(w->start);
    for (int round = 0; atomic_load(w->recorders_left) > 0; round++) {
        int page = w->first_page + round % w->npages;
        w->taken[page] += hits_take(w->sets[0], page);
    }
    for (int page = w->first_page; page < w->first_page + w->npages; page++)
        w->taken[page] += hits_take(w->sets[0], page);
    return NULL;
}

/* The large site: each thread walks the pages in its own stride. */
static void *site_recorder(void *arg)
{
    struct worker *w = arg;
    pthread_barrier_wait(w->start);
    for (long i = 0; i < w->nhits; i++)
        hits_record(w->sets[0], (int)((w->first_page + i * 7) % SITE_PAGES));
    return NULL;
}

static void run_workers(struct worker *workers, int n, void *(**fns)(void *))
{
    pthread_barrier_t start;
    assert_int_equal(pthread_barrier_init(&start, NULL, (unsigned)n), 0);
    for (int i = 0; i < n; i++) {
        workers[i].start = &start;
        assert_int_equal(pthread_create(&workers[i].thread, NULL, fns[i], &workers[i]), 0);
    }
    for (int i = 0; i < n; i++)
        assert_int_equal(pthread_join(workers[i].thread, NULL), 0);
    pthread_barrier_destroy(&start);
}

/* Recorders on random pages, two log rotators each taking half of the pages:
 * per page, what was taken plus what is left equals what was recorded. */
static void hits_taken_by_several_rotators_are_counted_once(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    int ntake = n > 2 ? 2 : 1, nrecord = n - ntake;
    unsigned seed = racelab_seed(1);
    atomic_int recorders_left = nrecord;
    struct worker workers[MAX_THREADS] = {0};
    void *(*fns[MAX_THREADS])(void *);
    struct hits *h = hits_create(HOT_PAGES);
    assert_non_null(h);
    for (int i = 0; i < nrecord + ntake; i++) {
        workers[i] = (struct worker){.sets = {h},
                                     .nsets = 1,
                                     .nhits = HITS_PER_TEST / n,
                                     .seed = seed * 7919u + (unsigned)i,
                                     .recorders_left = &recorders_left};
        if (i < nrecord) {
            workers[i].first_page = 0;
            workers[i].npages = HOT_PAGES;
            fns[i] = random_recorder;
        } else {
            int k = i - nrecord; /* taker k of ntake takes its share of the pages */
            workers[i].first_page = k * HOT_PAGES / ntake;
            workers[i].npages = (k + 1) * HOT_PAGES / ntake - workers[i].first_page;
            fns[i] = page_taker;
        }
    }

    run_workers(workers, nrecord + ntake, fns);

    long all = 0;
    for (int page = 0; page < HOT_PAGES; page++) {
        long recorded = 0, taken = 0;
        for (int i = 0; i < nrecord; i++)
            recorded += workers[i].recorded[0][page];
        for (int i = nrecord; i < nrecord + ntake; i++)
            taken += workers[i].taken[page];
        all += recorded;
        long left = hits_page(h, page);
        if (taken + left != recorded)
            racelab_fail("page %d: %ld hits recorded, %ld taken by the log rotators and %ld left "
                         "(%ld lost)",
                         page, recorded, taken, left, recorded - taken - left);
    }
    if (hits_total(h) != all)
        racelab_fail("%ld hits were recorded, but the total shows %ld", all, hits_total(h));
    hits_destroy(h);
}

/* Two sets of counters (two web sites) in use at once never mix. */
static void hits_on_two_sites_stay_apart(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    unsigned seed = racelab_seed(1);
    struct hits *sites[2] = {hits_create(HOT_PAGES), hits_create(HOT_PAGES)};
    assert_non_null(sites[0]);
    assert_non_null(sites[1]);
    struct worker workers[MAX_THREADS] = {0};
    void *(*fns[MAX_THREADS])(void *);
    for (int i = 0; i < n; i++) {
        workers[i] = (struct worker){.sets = {sites[i % 2], sites[(i + 1) % 2]},
                                     .nsets = 1 + i % 2,
                                     .nhits = HITS_PER_TEST / n,
                                     .seed = seed + 101u * (unsigned)i,
                                     .npages = HOT_PAGES};
        fns[i] = random_recorder;
    }

    run_workers(workers, n, fns);

    for (int s = 0; s < 2; s++) {
        long all = 0;
        for (int page = 0; page < HOT_PAGES; page++) {
            long expected = 0;
            for (int i = 0; i < n; i++)
                for (int k = 0; k < workers[i].nsets; k++)
                    if (workers[i].sets[k] == sites[s])
                        expected += workers[i].recorded[k][page];
            all += expected;
            if (hits_page(sites[s], page) != expected)
                racelab_fail("site %d, page %d: %ld hits recorded, the counter shows %ld", s, page,
                             expected, hits_page(sites[s], page));
        }
        if (hits_total(sites[s]) != all)
            racelab_fail("site %d: %ld hits recorded, the total shows %ld", s, all,
                         hits_total(sites[s]));
    }
    hits_destroy(sites[0]);
    hits_destroy(sites[1]);
}

/* A site with 1000 pages: every page's count is exact. */
static void hits_on_a_large_site_add_up(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    long per = HITS_PER_TEST / n;
    struct worker workers[MAX_THREADS] = {0};
    void *(*fns[MAX_THREADS])(void *);
    struct hits *h = hits_create(SITE_PAGES);
    assert_non_null(h);
    static long expected[SITE_PAGES];
    for (int page = 0; page < SITE_PAGES; page++)
        expected[page] = 0;
    for (int i = 0; i < n; i++) {
        workers[i] = (struct worker){.sets = {h}, .nhits = per, .first_page = (i * 13) % 5};
        fns[i] = site_recorder;
        for (long k = 0; k < per; k++)
            expected[(workers[i].first_page + k * 7) % SITE_PAGES]++;
    }

    run_workers(workers, n, fns);

    long bad = 0, first_bad = -1;
    for (int page = 0; page < SITE_PAGES; page++)
        if (hits_page(h, page) != expected[page] && bad++ == 0)
            first_bad = page;
    if (bad)
        racelab_fail("%ld of %d pages show the wrong count (first: page %ld shows %ld, expected "
                     "%ld)",
                     bad, SITE_PAGES, first_bad, hits_page(h, (int)first_bad), expected[first_bad]);
    if (hits_total(h) != per * n)
        racelab_fail("%ld hits were recorded, the total shows %ld", per * n, hits_total(h));
    hits_destroy(h);
}

/* Many counter sets created and released in a row work independently. */
static void counters_create_and_destroy_many(void **state)
{
    (void)state;
    for (int i = 1; i <= 500; i++) {
        struct hits *h = hits_create(i);
        assert_non_null(h);
        assert_int_equal(hits_total(h), 0);
        assert_int_equal(hits_page(h, i - 1), 0);
        hits_record(h, i - 1);
        assert_int_equal(hits_take(h, i - 1), 1);
        assert_int_equal(hits_take(h, i - 1), 0);
        assert_int_equal(hits_total(h), 1);
        hits_destroy(h);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counters_create_and_destroy_many),
        cmocka_unit_test(hits_taken_by_several_rotators_are_counted_once),
        cmocka_unit_test(hits_on_two_sites_stay_apart),
        cmocka_unit_test(hits_on_a_large_site_add_up),
    };
    return cmocka_run_group_tests_name("hits_hidden", tests, NULL, NULL);
}
