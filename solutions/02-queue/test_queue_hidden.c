/*
 * test_queue_hidden.c - hidden tests for 02-queue (instructor only, never handed out).
 *
 * Beyond the visible tests: the tightest queue (capacity 1), a roomy one, the
 * FIFO order each producer's jobs must keep on their way to a single
 * consumer, a put that must wait while the queue is full, and producers
 * blocked on a full queue that close must release. Test names share the
 * visible tests' prefixes (items_, close_) so lab.ini globs them into the
 * same checks.
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

#include "queue.h"
#include "racelab_lab.h"

#define TOTAL_JOBS 4000
#define MAX_THREADS 64

struct worker {
    pthread_t thread;
    pthread_barrier_t *start;
    struct queue *q;
    int np;            /* producers in the run (consumer: to split job numbers) */
    long first, njobs; /* producer: sends first .. first + njobs - 1 */
    long per;          /* jobs per producer */
    unsigned *seen;    /* consumer: own tally */
    long *last;        /* consumer: last job seen from each producer, -1 at start */
    long out_of_order; /* consumer: a producer's job arrived before an earlier one */
    long unexpected;
    long refused;
    atomic_int done; /* producer: set after its last put returned */
};

static void *producer(void *arg)
{
    struct worker *w = arg;
    if (w->start)
        pthread_barrier_wait(w->start);
    for (long j = w->first; j < w->first + w->njobs; j++)
        if (queue_put(w->q, j) != 0)
            w->refused++;
    atomic_store(&w->done, 1);
    return NULL;
}

static void *consumer(void *arg)
{
    struct worker *w = arg;
    long job, total = w->np * w->per;
    pthread_barrier_wait(w->start);
    while (queue_get(w->q, &job) == 1) {
        if (job < 0 || job >= total) {
            w->unexpected++;
            continue;
        }
        w->seen[job]++;
        long p = job / w->per;
        if (job <= w->last[p])
            w->out_of_order++;
        w->last[p] = job;
    }
    return NULL;
}

/* np producers, nc consumers, capacity: every job exactly once, and (when
 * nc == 1) each producer's jobs in the order it sent them. */
static void spool(int np, int nc, size_t capacity, long per)
{
    struct queue *q = queue_create(capacity);
    assert_non_null(q);
    long total = np * per;
    struct worker *ws = calloc((size_t)(np + nc), sizeof *ws);
    assert_non_null(ws);
    pthread_barrier_t start;
    assert_int_equal(pthread_barrier_init(&start, NULL, (unsigned)(np + nc)), 0);
    for (int i = 0; i < np + nc; i++) {
        struct worker *w = &ws[i];
        *w = (struct worker){.start = &start, .q = q, .np = np, .per = per};
        if (i < np) {
            w->first = i * per;
            w->njobs = per;
            assert_int_equal(pthread_create(&w->thread, NULL, producer, w), 0);
        } else {
            w->seen = calloc((size_t)total, sizeof *w->seen);
            w->last = malloc((size_t)np * sizeof *w->last);
            assert_true(w->seen && w->last);
            for (int p = 0; p < np; p++)
                w->last[p] = -1;
            assert_int_equal(pthread_create(&w->thread, NULL, consumer, w), 0);
        }
    }
    for (int i = 0; i < np; i++)
        assert_int_equal(pthread_join(ws[i].thread, NULL), 0);
    queue_close(q);
    for (int i = np; i < np + nc; i++)
        assert_int_equal(pthread_join(ws[i].thread, NULL), 0);
    pthread_barrier_destroy(&start);
    queue_destroy(q);

    long missing = 0, duplicated = 0, unexpected = 0, refused = 0, disorder = 0;
    for (int i = 0; i < np; i++)
        refused += ws[i].refused;
    for (long j = 0; j < total; j++) {
        unsigned times = 0;
        for (int i = np; i < np + nc; i++)
            times += ws[i].seen[j];
        missing += times == 0;
        duplicated += times > 1 ? times - 1 : 0;
    }
    for (int i = np; i < np + nc; i++) {
        unexpected += ws[i].unexpected;
        disorder += ws[i].out_of_order;
        free(ws[i].seen);
        free(ws[i].last);
    }
    free(ws);
    if (missing || duplicated || unexpected || refused)
        racelab_fail("producer threads: %d, consumer threads: %d, capacity: %zu, jobs: %ld. %ld "
                     "missing, %ld extra "
                     "copies, %ld never sent, %ld refused",
                     np, nc, capacity, total, missing, duplicated, unexpected, refused);
    if (nc == 1 && disorder)
        racelab_fail("with one consumer, %ld jobs overtook an earlier job of the same producer",
                     disorder);
}

static void items_exactly_once_through_a_single_slot(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    spool(n, n, 1, TOTAL_JOBS / 2 / n);
}

static void items_exactly_once_through_a_roomy_queue(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    spool(n, (n + 1) / 2, 64, TOTAL_JOBS / n);
}

static void items_keep_each_producers_order(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    spool(n, 1, 3, TOTAL_JOBS / 2 / n);
}

static void sleep_ms(long ms)
{
    nanosleep(&(struct timespec){.tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000}, NULL);
}

/* A put into a full queue waits until a get makes room, and not before. */
static void items_wait_while_the_queue_is_full(void **state)
{
    (void)state;
    struct queue *q = queue_create(2);
    assert_non_null(q);
    assert_int_equal(queue_put(q, 0), 0);
    assert_int_equal(queue_put(q, 1), 0);
    struct worker w = {.q = q, .first = 2, .njobs = 1};
    assert_int_equal(pthread_create(&w.thread, NULL, producer, &w), 0);
    sleep_ms(20);
    int early = atomic_load(&w.done);
    long job = -1;
    assert_int_equal(queue_get(q, &job), 1);
    assert_int_equal(job, 0);
    assert_int_equal(pthread_join(w.thread, NULL), 0);
    assert_int_equal(w.refused, 0);
    for (long j = 1; j <= 2; j++) {
        assert_int_equal(queue_get(q, &job), 1);
        assert_int_equal(job, j);
    }
    queue_destroy(q);
    if (early)
        racelab_fail("queue_put returned while the queue (capacity 2) already held 2 jobs");
}

/* Producers blocked on a full queue give up with -1 when it is closed. */
static void close_releases_waiting_producers(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    struct queue *q = queue_create(1);
    assert_non_null(q);
    assert_int_equal(queue_put(q, 0), 0);
    struct worker ws[MAX_THREADS] = {0};
    for (int i = 0; i < n; i++) {
        ws[i] = (struct worker){.q = q, .first = 1 + i, .njobs = 1};
        assert_int_equal(pthread_create(&ws[i].thread, NULL, producer, &ws[i]), 0);
    }
    sleep_ms(5);
    queue_close(q);
    long refused = 0;
    for (int i = 0; i < n; i++) {
        assert_int_equal(pthread_join(ws[i].thread, NULL), 0);
        refused += ws[i].refused;
    }
    long job = -1;
    assert_int_equal(queue_get(q, &job), 1); /* the job queued before close survives */
    assert_int_equal(job, 0);
    assert_int_equal(queue_get(q, &job), 0);
    queue_destroy(q);
    if (refused != n)
        racelab_fail("%d producers waited on a full queue that was then closed, but only %ld of "
                     "their puts returned -1",
                     n, refused);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(items_wait_while_the_queue_is_full),
        cmocka_unit_test(items_exactly_once_through_a_single_slot),
        cmocka_unit_test(items_exactly_once_through_a_roomy_queue),
        cmocka_unit_test(items_keep_each_producers_order),
        cmocka_unit_test(close_releases_waiting_producers),
    };
    return cmocka_run_group_tests_name("queue_hidden", tests, NULL, NULL);
}
