/*
 * test_search_hidden.c - hidden tests for 09-shutdown (instructor only, never handed out).
 *
 * Beyond the visible tests: a search started by one thread and stopped by
 * another, a single worker, many more workers than cores, several threads
 * watching the progress count at once, and a stop without a report. Test
 * names share the visible tests' prefixes (stop_, work_) so lab.ini globs
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
#include <time.h>

#include "racelab_lab.h"
#include "search.h"

#define ENOUGH 12000
#define MAX_WATCHERS 8

static void sleep_us(long us)
{
    nanosleep(&(struct timespec){.tv_sec = us / 1000000, .tv_nsec = us % 1000000 * 1000}, NULL);
}

/* Worker i's report, checked against its nonces hashed again. */
static void check_report(int nworkers, int i, const struct search_worker *r)
{
    long golden = 0, last = -1;
    for (long k = 0; k < r->tested; k++) {
        unsigned long nonce = (unsigned long)i + (unsigned long)k * (unsigned long)nworkers;
        if (search_is_golden(nonce)) {
            golden++;
            last = (long)nonce;
        }
    }
    if (r->tested < 0 || r->golden != golden || r->last_golden != last)
        racelab_fail("worker %d of %d: tested %ld nonces holding %ld golden (the last %ld), but "
                     "reports %ld (the last %ld)",
                     i, nworkers, r->tested, golden, last, r->golden, r->last_golden);
}

static void check_books(int nworkers, const struct search_worker *report, long total, long seen)
{
    long sum = 0;
    for (int i = 0; i < nworkers; i++) {
        check_report(nworkers, i, &report[i]);
        sum += report[i].tested;
    }
    if (total != sum)
        racelab_fail("%d workers report %ld nonces tested, the progress count says %ld", nworkers,
                     sum, total);
    if (total < seen)
        racelab_fail("the progress count read %ld during the search, %ld at the end", seen, total);
}

static long wait_for_progress(struct search *s, long target)
{
    long seen = 0;
    while (seen < target) {
        long now = search_progress(s);
        if (now < seen)
            racelab_fail("the progress count went down from %ld to %ld", seen, now);
        seen = now;
        sleep_us(100);
    }
    return seen;
}

/* The thread that stops a search need not be the one that started it. */
struct stopper {
    struct search *s;
    int nworkers;
    long seen, total;
    struct search_worker report[SEARCH_MAX_WORKERS];
};

static void *watch_then_stop(void *arg)
{
    struct stopper *st = arg;
    st->seen = wait_for_progress(st->s, ENOUGH);
    st->total = search_stop(st->s, st->report);
    return NULL;
}

static void stop_from_another_thread(void **state)
{
    (void)state;
    struct stopper st = {.nworkers = racelab_threads(4)};
    st.s = search_start(st.nworkers);
    assert_non_null(st.s);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, watch_then_stop, &st), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    check_books(st.nworkers, st.report, st.total, st.seen);
}

/* One worker alone, and a stop without a report. */
static void stop_works_for_one_worker_and_without_report(void **state)
{
    (void)state;
    struct search *s = search_start(1);
    assert_non_null(s);
    long seen = wait_for_progress(s, ENOUGH / 4);
    struct search_worker report[1];
    long total = search_stop(s, report);
    check_books(1, report, total, seen);

    s = search_start(racelab_threads(4));
    assert_non_null(s);
    seen = wait_for_progress(s, 100);
    total = search_stop(s, NULL);
    if (total < seen)
        racelab_fail("search_stop(s, NULL) returned %ld after progress read %ld", total, seen);
}

/* Four times as many workers as the trial's thread count: most wait for a core. */
static void work_is_accounted_for_with_many_workers(void **state)
{
    (void)state;
    int n = 4 * racelab_threads(4);
    if (n > SEARCH_MAX_WORKERS)
        n = SEARCH_MAX_WORKERS;
    struct search *s = search_start(n);
    assert_non_null(s);
    long seen = wait_for_progress(s, ENOUGH);
    struct search_worker report[SEARCH_MAX_WORKERS];
    long total = search_stop(s, report);
    check_books(n, report, total, seen);
}

/* Several threads read the progress count at once while the search runs. */
struct watcher {
    pthread_t thread;
    struct search *s;
    atomic_bool *done;
    long last;      /* the last count read */
    long went_down; /* readings lower than the one before */
};

static void *watch(void *arg)
{
    struct watcher *w = arg;
    while (!atomic_load(w->done)) {
        long now = search_progress(w->s);
        if (now < w->last)
            w->went_down++;
        w->last = now;
        sleep_us(100);
    }
    return NULL;
}

static void work_progress_is_watched_by_many_threads(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    struct search *s = search_start(n);
    assert_non_null(s);
    atomic_bool done = false;
    struct watcher ws[MAX_WATCHERS];
    int nw = n < MAX_WATCHERS ? n : MAX_WATCHERS;
    for (int i = 0; i < nw; i++) {
        ws[i] = (struct watcher){.s = s, .done = &done};
        assert_int_equal(pthread_create(&ws[i].thread, NULL, watch, &ws[i]), 0);
    }
    long seen = wait_for_progress(s, ENOUGH);
    atomic_store(&done, true);
    long went_down = 0, highest = seen;
    for (int i = 0; i < nw; i++) {
        assert_int_equal(pthread_join(ws[i].thread, NULL), 0);
        went_down += ws[i].went_down;
        if (ws[i].last > highest)
            highest = ws[i].last;
    }
    struct search_worker report[SEARCH_MAX_WORKERS];
    long total = search_stop(s, report);
    check_books(n, report, total, highest);
    if (went_down)
        racelab_fail("%d threads watched the progress count: %ld readings were lower than the "
                     "one before",
                     nw, went_down);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stop_from_another_thread),
        cmocka_unit_test(stop_works_for_one_worker_and_without_report),
        cmocka_unit_test(work_is_accounted_for_with_many_workers),
        cmocka_unit_test(work_progress_is_watched_by_many_threads),
    };
    return cmocka_run_group_tests_name("search_hidden", tests, NULL, NULL);
}
