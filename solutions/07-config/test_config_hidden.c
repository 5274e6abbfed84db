/*
 * test_config_hidden.c - hidden tests for 07-config (instructor only, never handed out).
 *
 * A second program, so a second first use: a crowd of twice the trial's
 * threads (at most 16) asks for the configuration at once, while this
 * file's config_load() writes a different file's contents (a config.c that
 * returns built-in values instead of calling config_load() fails), last
 * field first, and is slow in the middle. Then latecomers and a thread that
 * rereads the configuration many times check that it never changes and is
 * never loaded again.
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
#define GRACE_MS 50
#define DEADLINE_MS 2000

static const struct config file = {
    .server_name = "staging.example.org",
    .document_root = "/var/www/staging/public",
    .port = 8443,
    .max_clients = 64,
    .timeout_ms = 1500,
};

static atomic_int loads, loading, most_loading, arrived, expected;

static void sleep_ms(int ms)
{
    nanosleep(&(struct timespec){.tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000L}, NULL);
}

void config_load(struct config *cfg)
{
    atomic_fetch_add(&loads, 1);
    int now = atomic_fetch_add(&loading, 1) + 1, most = atomic_load(&most_loading);
    while (now > most && !atomic_compare_exchange_weak(&most_loading, &most, now))
        ;
    cfg->timeout_ms = file.timeout_ms; /* this file lists the fields the other way round */
    cfg->max_clients = file.max_clients;
    strcpy(cfg->document_root, file.document_root);
    int waited = 0, grace = 0, second = 0;
    while (waited++ < DEADLINE_MS && grace < GRACE_MS && second < 5) {
        grace += atomic_load(&arrived) >= atomic_load(&expected);
        second += atomic_load(&loads) > 1;
        sleep_ms(1);
    }
    cfg->port = file.port;
    strcpy(cfg->server_name, file.server_name);
    atomic_fetch_sub(&loading, 1);
}

static bool complete(const struct config *cfg)
{
    return cfg && strcmp(cfg->server_name, file.server_name) == 0 &&
           strcmp(cfg->document_root, file.document_root) == 0 && cfg->port == file.port &&
           cfg->max_clients == file.max_clients && cfg->timeout_ms == file.timeout_ms;
}

struct reader {
    pthread_t thread;
    pthread_barrier_t *start;
    int calls;
    const struct config *got;
    long other_pointers, incomplete;
};

static void *reader(void *arg)
{
    struct reader *r = arg;
    if (r->start)
        pthread_barrier_wait(r->start);
    for (int i = 0; i < r->calls; i++) {
        if (i == 0)
            atomic_fetch_add(&arrived, 1);
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

static void config_stays_unloaded_until_needed(void **state)
{
    (void)state;
    if (atomic_load(&loads) != 0)
        racelab_fail("config_load() ran %d times before the first config_get()",
                     atomic_load(&loads));
}

/* A crowd of threads arrives at once for the first use. */
static void first_use_from_a_crowd_loads_once(void **state)
{
    (void)state;
    int n = 2 * racelab_threads(4);
    if (n > 16)
        n = 16;
    struct reader rs[MAX_THREADS];
    pthread_barrier_t start;
    atomic_store(&expected, n);
    assert_int_equal(pthread_barrier_init(&start, NULL, (unsigned)n), 0);
    for (int i = 0; i < n; i++) {
        rs[i] = (struct reader){.start = &start, .calls = 3};
        assert_int_equal(pthread_create(&rs[i].thread, NULL, reader, &rs[i]), 0);
    }
    for (int i = 0; i < n; i++)
        assert_int_equal(pthread_join(rs[i].thread, NULL), 0);
    pthread_barrier_destroy(&start);

    long differ = 0, incomplete = 0;
    for (int i = 0; i < n; i++) {
        differ += rs[i].other_pointers + (rs[i].got != rs[0].got);
        incomplete += rs[i].incomplete;
    }
    if (atomic_load(&loads) != 1)
        racelab_fail("%d threads asked for the configuration at once: config_load() ran %d times "
                     "(up to %d at once)",
                     n, atomic_load(&loads), atomic_load(&most_loading));
    if (incomplete || differ)
        racelab_fail("%d threads asked for the configuration at once: %ld calls returned an "
                     "incomplete configuration, %ld another pointer",
                     n, incomplete, differ);
}

/* Latecomers, one at a time and then several at once, while one thread keeps
 * rereading: nothing is loaded again and nothing changes. */
static void late_comers_get_the_loaded_config(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    const struct config *first = config_get();
    int before = atomic_load(&loads);
    struct reader rereader = {.calls = 2000}, rs[MAX_THREADS];
    assert_int_equal(pthread_create(&rereader.thread, NULL, reader, &rereader), 0);
    for (int i = 0; i < n; i++) {
        rs[i] = (struct reader){.calls = 1};
        assert_int_equal(pthread_create(&rs[i].thread, NULL, reader, &rs[i]), 0);
        if (i % 2 == 0) /* every other one waits for its predecessor */
            assert_int_equal(pthread_join(rs[i].thread, NULL), 0);
    }
    for (int i = 1; i < n; i += 2)
        assert_int_equal(pthread_join(rs[i].thread, NULL), 0);
    assert_int_equal(pthread_join(rereader.thread, NULL), 0);

    long bad = rereader.other_pointers + rereader.incomplete + (rereader.got != first);
    for (int i = 0; i < n; i++)
        bad += rs[i].incomplete + (rs[i].got != first);
    if (atomic_load(&loads) != before || before != 1)
        racelab_fail("config_load() ran %d times in all, %d of them after the first use",
                     atomic_load(&loads), atomic_load(&loads) - before);
    if (bad)
        racelab_fail("%ld calls after loading returned another pointer or an incomplete "
                     "configuration",
                     bad);
}

/* The configuration holds exactly what config_load() wrote. */
static void config_holds_what_the_file_said(void **state)
{
    (void)state;
    const struct config *cfg = config_get();
    assert_non_null(cfg);
    assert_string_equal(cfg->server_name, file.server_name);
    assert_string_equal(cfg->document_root, file.document_root);
    assert_int_equal(cfg->port, file.port);
    assert_int_equal(cfg->max_clients, file.max_clients);
    assert_int_equal(cfg->timeout_ms, file.timeout_ms);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(config_stays_unloaded_until_needed),
        cmocka_unit_test(first_use_from_a_crowd_loads_once),
        cmocka_unit_test(late_comers_get_the_loaded_config),
        cmocka_unit_test(config_holds_what_the_file_said),
    };
    return cmocka_run_group_tests_name("config_hidden", tests, NULL, NULL);
}
