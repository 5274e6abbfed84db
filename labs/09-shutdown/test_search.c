/*
 * test_search.c - visible tests for 09-shutdown: start the miner, watch it, stop it.
 *
 * The main thread starts a search, watches search_progress() until enough
 * nonces have been tested, and stops it. Then it checks the books: every
 * worker's report must match what its nonces really hold (the test hashes
 * them again), the reports must add up to the progress count, and that
 * count must never have gone down while the test watched it. A search that
 * never stops is caught by the grader's time limit. Thread counts come from
 * RACELAB_THREADS (4 when run by hand).
 *
 * Run by hand: build/racelab check 09-shutdown (or `make grade`).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "racelab_lab.h"
#include "search.h"

#define ENOUGH 20000 /* nonces to test before stopping, in the long test */

static void sleep_us(long us)
{
    nanosleep(&(struct timespec){.tv_sec = us / 1000000, .tv_nsec = us % 1000000 * 1000}, NULL);
}

/* Checks worker i's report against its nonces, hashed again here. */
static void check_report(int nworkers, int i, const struct search_worker *r)
{
    if (r->tested < 0)
        racelab_fail("worker %d of %d reports %ld nonces tested", i, nworkers, r->tested);
    long golden = 0, last = -1;
    for (long k = 0; k < r->tested; k++) {
        unsigned long nonce = (unsigned long)i + (unsigned long)k * (unsigned long)nworkers;
        if (search_is_golden(nonce)) {
            golden++;
            last = (long)nonce;
        }
    }
    if (r->golden != golden || r->last_golden != last)
        racelab_fail("worker %d of %d tested %ld nonces, which hold %ld golden ones (the last "
                     "%ld), but it reports %ld (the last %ld)",
                     i, nworkers, r->tested, golden, last, r->golden, r->last_golden);
}

/* Stops s and checks the books; seen is the last progress count read before. */
static long stop_and_check(struct search *s, int nworkers, long seen)
{
    struct search_worker report[SEARCH_MAX_WORKERS];
    long total = search_stop(s, report);
    long sum = 0;
    for (int i = 0; i < nworkers; i++) {
        check_report(nworkers, i, &report[i]);
        sum += report[i].tested;
    }
    if (total != sum)
        racelab_fail("%d workers report %ld nonces tested in all, but the progress count says "
                     "%ld: %ld tests went uncounted",
                     nworkers, sum, total, sum - total);
    if (total < seen)
        racelab_fail("the progress count read %ld during the search but %ld at the end", seen,
                     total);
    return total;
}

/* Stop straight after start: every worker stops, whether it has begun or not. */
static void stop_right_after_start_ends_every_worker(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    struct search *s = search_start(n);
    assert_non_null(s);
    stop_and_check(s, n, 0);
}

/* Watch the progress count climb to ENOUGH, then stop: all work is accounted for. */
static void work_is_all_accounted_for(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    struct search *s = search_start(n);
    assert_non_null(s);
    long seen = 0;
    while (seen < ENOUGH) {
        long now = search_progress(s);
        if (now < seen)
            racelab_fail("the progress count went down from %ld to %ld", seen, now);
        seen = now;
        sleep_us(200);
    }
    stop_and_check(s, n, seen);
}

/* Start and stop over and over, stopping at a different point each time. */
static void stop_works_again_and_again(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    unsigned seed = racelab_seed(1);
    for (int round = 0; round < 12; round++) {
        int nworkers = 1 + rand_r(&seed) % n;
        long target = rand_r(&seed) % 2000;
        struct search *s = search_start(nworkers);
        assert_non_null(s);
        long seen = 0;
        while (seen < target) {
            seen = search_progress(s);
            sleep_us(50);
        }
        stop_and_check(s, nworkers, seen);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stop_right_after_start_ends_every_worker),
        cmocka_unit_test(work_is_all_accounted_for),
        cmocka_unit_test(stop_works_again_and_again),
    };
    return cmocka_run_group_tests_name("search", tests, NULL, NULL);
}
