/*
 * test_hits.c - visible tests for 04-hits: worker threads share the hit counters.
 *
 * Each test starts RACELAB_THREADS threads (4 when you run it by hand), lines
 * them up at a barrier so they really run at the same time, lets them record
 * hits, then compares the counters with what the threads say they did. Worker
 * threads never call cmocka's assertions (those only work on the main
 * thread): they record what they did, and the main thread checks it.
 *
 * Run by hand: build/racelab check 04-hits (or `make grade`).
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

#define TOTAL_HITS 6000 /* hits per test: each of the test's threads records TOTAL_HITS / n */
#define MAX_THREADS 64
#define NPAGES 4 /* few pages, so that threads often hit the same one */

/* One server thread's orders, and what it reports back. */
struct worker {
    pthread_t thread;
    pthread_barrier_t *start; /* every worker waits here, then all begin together */
    struct hits *h;
    long nhits;                 /* hits to record */
    unsigned seed;              /* for rand_r: which pages */
    bool one_page;              /* record every hit on page 0 */
    long recorded[NPAGES];      /* out: hits recorded per page */
    long taken;                 /* out (log rotator): sum of what hits_take returned */
    long odd_reads;             /* out (watcher): totals that went down or too high */
    atomic_int *recorders_left; /* recorders still running (taker, watcher stop at 0) */
    long highest;               /* watcher: the highest total possible */
};

static void *recorder(void *arg)
{
    struct worker *w = arg;
    pthread_barrier_wait(w->start);
    for (long i = 0; i < w->nhits; i++) {
        int page = w->one_page ? 0 : rand_r(&w->seed) % NPAGES;
        hits_record(w->h, page);
        w->recorded[page]++;
    }
    if (w->recorders_left)
        atomic_fetch_sub(w->recorders_left, 1);
    return NULL;
}

/* The log rotator: takes page 0's count over and over until the recorders stop. */
static void *taker(void *arg)
{
    struct worker *w = arg;
    pthread_barrier_wait(w->start);
    while (atomic_load(w->recorders_left) > 0)
        w->taken += hits_take(w->h, 0);
    w->taken += hits_take(w->h, 0); /* whatever came in after the last take */
    return NULL;
}

/* The statistics page: reads the total until the recorders stop; it may only grow. */
static void *watcher(void *arg)
{
    struct worker *w = arg;
    long last = 0;
    pthread_barrier_wait(w->start);
    while (atomic_load(w->recorders_left) > 0) {
        long now = hits_total(w->h);
        if (now < last || now > w->highest)
            w->odd_reads++;
        last = now;
    }
    return NULL;
}

/* Starts n workers, the first nrecord of them recording, the rest running other. */
static void run_workers(struct worker *workers, int n, int nrecord, void *(*other)(void *))
{
    pthread_barrier_t start;
    assert_int_equal(pthread_barrier_init(&start, NULL, (unsigned)n), 0);
    for (int i = 0; i < n; i++) {
        workers[i].start = &start;
        void *(*fn)(void *) = i < nrecord ? recorder : other;
        assert_int_equal(pthread_create(&workers[i].thread, NULL, fn, &workers[i]), 0);
    }
    for (int i = 0; i < n; i++)
        assert_int_equal(pthread_join(workers[i].thread, NULL), 0);
    pthread_barrier_destroy(&start);
}

/* One thread alone: the documented behaviour, before any concurrency. */
static void counters_work_single_threaded(void **state)
{
    (void)state;
    struct hits *h = hits_create(3);
    assert_non_null(h);
    assert_int_equal(hits_total(h), 0);
    hits_record(h, 0);
    hits_record(h, 2);
    hits_record(h, 2);
    assert_int_equal(hits_page(h, 0), 1);
    assert_int_equal(hits_page(h, 1), 0);
    assert_int_equal(hits_page(h, 2), 2);
    assert_int_equal(hits_total(h), 3);
    assert_int_equal(hits_take(h, 2), 2); /* the log rotator takes page 2's hits */
    assert_int_equal(hits_page(h, 2), 0);
    assert_int_equal(hits_take(h, 2), 0);
    assert_int_equal(hits_total(h), 3); /* taking does not lower the total */
    hits_record(h, 2);
    assert_int_equal(hits_page(h, 2), 1);
    assert_int_equal(hits_total(h), 4);
    hits_destroy(h);
}

/* Every thread records hits on page 0: not one may go missing. */
static void hits_on_one_page_are_never_lost(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    struct worker workers[MAX_THREADS] = {0};
    struct hits *h = hits_create(1);
    assert_non_null(h);
    for (int i = 0; i < n; i++)
        workers[i] = (struct worker){.h = h, .nhits = TOTAL_HITS / n, .one_page = true};

    run_workers(workers, n, n, NULL);

    long expected = (long)n * (TOTAL_HITS / n);
    long page = hits_page(h, 0), total = hits_total(h);
    if (page != expected || total != expected)
        racelab_fail("%d threads recorded %ld hits on one page, but the page shows %ld (%ld lost) "
                     "and the total shows %ld (%ld lost)",
                     n, expected, page, expected - page, total, expected - total);
    hits_destroy(h);
}

/* Threads record hits on random pages: every page's count and the total add up. */
static void hits_on_many_pages_add_up(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    unsigned seed = racelab_seed(1);
    struct worker workers[MAX_THREADS] = {0};
    struct hits *h = hits_create(NPAGES);
    assert_non_null(h);
    for (int i = 0; i < n; i++)
        workers[i] =
            (struct worker){.h = h, .nhits = TOTAL_HITS / n, .seed = seed * 131u + (unsigned)i};

    run_workers(workers, n, n, NULL);

    long all = 0;
    for (int page = 0; page < NPAGES; page++) {
        long expected = 0;
        for (int i = 0; i < n; i++)
            expected += workers[i].recorded[page];
        all += expected;
        long got = hits_page(h, page);
        if (got != expected)
            racelab_fail("%d threads recorded %ld hits on page %d, but it shows %ld (%ld lost)", n,
                         expected, page, got, expected - got);
    }
    if (hits_total(h) != all)
        racelab_fail("%d threads recorded %ld hits in all, but the total shows %ld", n, all,
                     hits_total(h));
    hits_destroy(h);
}

/* The log rotator takes page 0's count while the others record on it: every hit
 * ends up in exactly one take. */
static void hits_taken_while_recording_are_counted_once(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    int nrecord = n - 1;
    atomic_int recorders_left = nrecord;
    struct worker workers[MAX_THREADS] = {0};
    struct hits *h = hits_create(1);
    assert_non_null(h);
    for (int i = 0; i < n; i++)
        workers[i] = (struct worker){
            .h = h, .nhits = TOTAL_HITS / n, .one_page = true, .recorders_left = &recorders_left};

    run_workers(workers, n, nrecord, taker);

    long recorded = (long)nrecord * (TOTAL_HITS / n);
    long taken = workers[n - 1].taken, left = hits_page(h, 0);
    if (taken != recorded || left != 0)
        racelab_fail("%d threads recorded %ld hits while the log rotator took the count: it "
                     "took %ld in all and %ld are left, so %ld hits were lost (negative: "
                     "counted twice)",
                     nrecord, recorded, taken, left, recorded - taken - left);
    if (hits_total(h) != recorded)
        racelab_fail("%ld hits were recorded, but the total shows %ld", recorded, hits_total(h));
    hits_destroy(h);
}

/* Half the threads record hits, the others read the total: every reading lies
 * between 0 and the number of hits recorded, and never goes down. */
static void total_readings_never_go_down(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    int nrecord = n / 2;
    atomic_int recorders_left = nrecord;
    long expected = (long)nrecord * (TOTAL_HITS / n);
    struct worker workers[MAX_THREADS] = {0};
    struct hits *h = hits_create(NPAGES);
    assert_non_null(h);
    for (int i = 0; i < n; i++)
        workers[i] = (struct worker){.h = h,
                                     .nhits = TOTAL_HITS / n,
                                     .seed = (unsigned)i,
                                     .recorders_left = &recorders_left,
                                     .highest = expected};

    run_workers(workers, n, nrecord, watcher);

    long odd = 0;
    for (int i = nrecord; i < n; i++)
        odd += workers[i].odd_reads;
    if (odd)
        racelab_fail("%ld readings of the total went down, or above the %ld hits ever recorded",
                     odd, expected);
    if (hits_total(h) != expected)
        racelab_fail("%d threads recorded %ld hits, but the total shows %ld", nrecord, expected,
                     hits_total(h));
    hits_destroy(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counters_work_single_threaded),
        cmocka_unit_test(hits_on_one_page_are_never_lost),
        cmocka_unit_test(hits_on_many_pages_add_up),
        cmocka_unit_test(hits_taken_while_recording_are_counted_once),
        cmocka_unit_test(total_readings_never_go_down),
    };
    return cmocka_run_group_tests_name("hits", tests, NULL, NULL);
}
