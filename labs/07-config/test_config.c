/*
 * test_config.c - visible tests for 07-config: many threads need the
 * configuration at the same moment.
 *
 * This file provides config_load(), the "file reader" that config.c calls.
 * It counts its calls, writes the configuration in two halves, and is slow
 * in between: it waits until every thread of the test has called
 * config_get() and then a little longer (or until a second load starts,
 * which already proves the bug). So whichever thread loads first, the
 * others really do arrive while the load is still under way, in every run.
 *
 * A program loads its configuration only once, so the order of the tests
 * matters: the first two see the very first use, the last one everything
 * after it. Worker threads never call cmocka's assertions (those only work
 * on the main thread): they record what they saw, and the main thread
 * checks it.
 *
 * Run by hand: build/racelab check 07-config (or `make grade`).
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

#include "config.h"
#include "racelab_lab.h"

#define MAX_THREADS 64
#define GRACE_MS 50      /* how long the load goes on after every thread has arrived */
#define DEADLINE_MS 2000 /* the load never takes longer than this */

/* What the configuration file says. */
static const struct config file = {
    .server_name = "www.concert-hall.example",
    .document_root = "/srv/concert-hall/htdocs",
    .port = 8080,
    .max_clients = 512,
    .timeout_ms = 30000,
};

static atomic_int loads;        /* calls of config_load() so far */
static atomic_int loading;      /* calls running right now */
static atomic_int most_loading; /* the most that ever ran at once */
static atomic_int arrived;      /* threads that have called (or are calling) config_get() */
static atomic_int expected;     /* threads the load waits for */

static void sleep_ms(int ms)
{
    nanosleep(&(struct timespec){.tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000L}, NULL);
}

/* The slow part of loading: waits until all `expected` threads have arrived
 * and GRACE_MS more have passed, or until a second load has been going on for
 * a few milliseconds (that is the bug, so there is no point in waiting on),
 * or until DEADLINE_MS is up. */
static void slow_part(void)
{
    int waited = 0, grace = 0, second = 0;
    while (waited++ < DEADLINE_MS && grace < GRACE_MS && second < 5) {
        if (atomic_load(&arrived) >= atomic_load(&expected))
            grace++;
        if (atomic_load(&loads) > 1)
            second++;
        sleep_ms(1);
    }
}

void config_load(struct config *cfg)
{
    atomic_fetch_add(&loads, 1);
    int now = atomic_fetch_add(&loading, 1) + 1, most = atomic_load(&most_loading);
    while (now > most && !atomic_compare_exchange_weak(&most_loading, &most, now))
        ;
    strcpy(cfg->server_name, file.server_name); /* the first half of the file ... */
    cfg->port = file.port;
    slow_part();
    strcpy(cfg->document_root, file.document_root); /* ... and the rest */
    cfg->max_clients = file.max_clients;
    cfg->timeout_ms = file.timeout_ms;
    atomic_fetch_sub(&loading, 1);
}

/* True if cfg holds everything the file says. */
static bool complete(const struct config *cfg)
{
    return cfg && strcmp(cfg->server_name, file.server_name) == 0 &&
           strcmp(cfg->document_root, file.document_root) == 0 && cfg->port == file.port &&
           cfg->max_clients == file.max_clients && cfg->timeout_ms == file.timeout_ms;
}

/* One server thread, and what it saw. */
struct reader {
    pthread_t thread;
    pthread_barrier_t *start;
    int calls;                /* config_get() calls to make */
    const struct config *got; /* out: the pointer the first call returned */
    long other_pointers;      /* out: later calls that returned a different pointer */
    long incomplete;          /* out: calls whose config was not fully loaded */
};

static void *reader(void *arg)
{
    struct reader *r = arg;
    pthread_barrier_wait(r->start);
    for (int i = 0; i < r->calls; i++) {
        if (i == 0)
            atomic_fetch_add(&arrived, 1); /* about to call config_get() for the first time */
        const struct config *cfg = config_get();
        if (i == 0)
            r->got = cfg;
        else if (cfg != r->got)
            r->other_pointers++;
        if (!complete(cfg))
            r->incomplete++;
    }
    return NULL;
}

/* Starts n readers making `calls` calls each; the load waits for all n. */
static void run_readers(struct reader *rs, int n, int calls)
{
    pthread_barrier_t start;
    atomic_store(&arrived, 0);
    atomic_store(&expected, n);
    assert_int_equal(pthread_barrier_init(&start, NULL, (unsigned)n), 0);
    for (int i = 0; i < n; i++) {
        rs[i] = (struct reader){.start = &start, .calls = calls};
        assert_int_equal(pthread_create(&rs[i].thread, NULL, reader, &rs[i]), 0);
    }
    for (int i = 0; i < n; i++)
        assert_int_equal(pthread_join(rs[i].thread, NULL), 0);
    pthread_barrier_destroy(&start);
}

/* Before anyone asks for it, the configuration has not been loaded. */
static void config_is_not_loaded_before_first_use(void **state)
{
    (void)state;
    if (atomic_load(&loads) != 0)
        racelab_fail("config_load() ran %d times before anyone called config_get(): load the "
                     "configuration on first use, not at start-up",
                     atomic_load(&loads));
}

/* All threads ask for the configuration at once, before it was ever loaded:
 * it is loaded exactly once, and everyone gets the same, complete copy. */
static void first_use_from_many_threads_loads_once(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    struct reader rs[MAX_THREADS];
    run_readers(rs, n, 1);

    long differ = 0, incomplete = 0;
    for (int i = 0; i < n; i++) {
        differ += rs[i].got != rs[0].got;
        incomplete += rs[i].incomplete;
    }
    if (atomic_load(&loads) != 1)
        racelab_fail("%d threads called config_get() at the same time, and config_load() ran %d "
                     "times (up to %d at once): it must run exactly once",
                     n, atomic_load(&loads), atomic_load(&most_loading));
    if (incomplete)
        racelab_fail("%ld of %d threads got a configuration that was not fully loaded yet: "
                     "callers must wait until the load has finished",
                     incomplete, n);
    if (differ)
        racelab_fail("%ld of %d threads got a different pointer from the first thread: every "
                     "caller must get the same configuration",
                     differ, n);
}

/* Once loaded, it stays loaded: many more calls from many threads return the
 * same complete configuration and never load it again. */
static void later_calls_return_the_same_config(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    const struct config *first = config_get();
    int loads_before = atomic_load(&loads);
    struct reader rs[MAX_THREADS];
    run_readers(rs, n, 200);

    long differ = 0, incomplete = 0;
    for (int i = 0; i < n; i++) {
        differ += rs[i].other_pointers + (rs[i].got != first);
        incomplete += rs[i].incomplete;
    }
    if (atomic_load(&loads) != loads_before || loads_before != 1)
        racelab_fail("config_load() ran %d times in all (%d of them after the configuration was "
                     "loaded): it must run exactly once",
                     atomic_load(&loads), atomic_load(&loads) - loads_before);
    if (differ || incomplete)
        racelab_fail("of %d calls by %d threads after loading, %ld returned another pointer and "
                     "%ld an incomplete configuration",
                     200 * n, n, differ, incomplete);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(config_is_not_loaded_before_first_use),
        cmocka_unit_test(first_use_from_many_threads_loads_once),
        cmocka_unit_test(later_calls_return_the_same_config),
    };
    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
