/*
 * test_queue.c - visible tests for 02-queue: laptops and printers share one queue.
 *
 * Producer threads put numbered jobs (producer p sends p * per + 0, 1, ...),
 * consumer threads take jobs until queue_get() reports the queue closed, and
 * each consumer tallies what it received in its own array. After joining
 * everyone, the main thread adds the tallies up: every job must have been
 * received exactly once. Thread counts come from RACELAB_THREADS (4 when run
 * by hand). Worker threads never call cmocka's assertions, which only work on
 * the main thread.
 *
 * Run by hand: build/racelab check 02-queue (or `make grade`).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "queue.h"
#include "racelab_lab.h"

#define TOTAL_JOBS 4800 /* jobs per test, shared out among the producers */
#define MAX_THREADS 64

/* A laptop (producer) or a printer (consumer), with what it reports back. */
struct worker {
    pthread_t thread;
    pthread_barrier_t *start;
    struct queue *q;
    long first, njobs; /* producer: sends first .. first + njobs - 1 */
    long total;        /* consumer: jobs are numbered 0 .. total - 1 */
    unsigned *seen;    /* consumer: seen[j] = times job j arrived (own array) */
    long received;     /* consumer: jobs taken */
    long unexpected;   /* consumer: numbers outside 0 .. total - 1 */
    long refused;      /* producer: puts that returned -1 */
};

static void *laptop(void *arg)
{
    struct worker *w = arg;
    pthread_barrier_wait(w->start);
    for (long j = w->first; j < w->first + w->njobs; j++)
        if (queue_put(w->q, j) != 0)
            w->refused++;
    return NULL;
}

static void *printer(void *arg)
{
    struct worker *w = arg;
    long job;
    pthread_barrier_wait(w->start);
    while (queue_get(w->q, &job) == 1) {
        w->received++;
        if (job < 0 || job >= w->total)
            w->unexpected++;
        else
            w->seen[job]++;
    }
    return NULL;
}

/* Runs np laptops and nc printers over a queue of the given capacity, then
 * checks that each of the np * per jobs was printed exactly once. */
static void spool(int np, int nc, size_t capacity, long per)
{
    struct queue *q = queue_create(capacity);
    assert_non_null(q);
    long total = np * per;
    struct worker laptops[MAX_THREADS] = {0}, printers[MAX_THREADS] = {0};
    pthread_barrier_t start;
    assert_int_equal(pthread_barrier_init(&start, NULL, (unsigned)(np + nc)), 0);

    for (int i = 0; i < nc; i++) {
        printers[i] = (struct worker){.start = &start, .q = q, .total = total};
        printers[i].seen = calloc((size_t)total, sizeof *printers[i].seen);
        assert_non_null(printers[i].seen);
        assert_int_equal(pthread_create(&printers[i].thread, NULL, printer, &printers[i]), 0);
    }
    for (int i = 0; i < np; i++) {
        laptops[i] = (struct worker){.start = &start, .q = q, .first = i * per, .njobs = per};
        assert_int_equal(pthread_create(&laptops[i].thread, NULL, laptop, &laptops[i]), 0);
    }
    for (int i = 0; i < np; i++)
        assert_int_equal(pthread_join(laptops[i].thread, NULL), 0);
    queue_close(q); /* every job is in: printers drain the queue, then stop */
    for (int i = 0; i < nc; i++)
        assert_int_equal(pthread_join(printers[i].thread, NULL), 0);
    pthread_barrier_destroy(&start);
    queue_destroy(q);

    long missing = 0, duplicated = 0, unexpected = 0, refused = 0, first_bad = -1;
    for (int i = 0; i < np; i++)
        refused += laptops[i].refused;
    for (long j = 0; j < total; j++) {
        unsigned times = 0;
        for (int i = 0; i < nc; i++)
            times += printers[i].seen[j];
        if (times != 1 && first_bad < 0)
            first_bad = j;
        missing += times == 0;
        duplicated += times > 1 ? times - 1 : 0;
    }
    for (int i = 0; i < nc; i++) {
        unexpected += printers[i].unexpected;
        free(printers[i].seen);
    }
    if (missing || duplicated || unexpected || refused)
        racelab_fail("%ld jobs from %d producer thread(s) through a queue of capacity %zu to %d "
                     "consumer thread(s): %ld jobs never arrived, %ld extra copies arrived, %ld "
                     "values arrived that were never sent, %ld puts were refused before close "
                     "(first wrong job: %ld)",
                     total, np, capacity, nc, missing, duplicated, unexpected, refused, first_bad);
}

/* One thread alone: jobs come out first-in first-out, across the ring's wrap-around. */
static void items_come_out_in_order_single_threaded(void **state)
{
    (void)state;
    struct queue *q = queue_create(3);
    assert_non_null(q);
    long next_in = 0, next_out = 0, job = -1;
    for (int round = 0; round < 5; round++) {
        for (int i = 0; i < 3; i++)
            assert_int_equal(queue_put(q, next_in++), 0);
        for (int i = 0; i < 2; i++) {
            assert_int_equal(queue_get(q, &job), 1);
            assert_int_equal(job, next_out++);
        }
        assert_int_equal(queue_get(q, &job), 1);
        assert_int_equal(job, next_out++);
    }
    queue_destroy(q);
}

static void items_from_many_producers_arrive_exactly_once(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    spool(n, n, 4, TOTAL_JOBS / n);
}

static void items_arrive_exactly_once_with_one_consumer(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    spool(n, 1, 4, TOTAL_JOBS / n);
}

static void items_arrive_exactly_once_with_one_producer(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    spool(1, n, 4, TOTAL_JOBS / 2);
}

/* Printers waiting on an empty queue must all return 0 once it is closed. */
static void close_lets_waiting_consumers_finish(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    struct queue *q = queue_create(2);
    assert_non_null(q);
    struct worker printers[MAX_THREADS] = {0};
    unsigned dummy = 0;
    pthread_barrier_t start;
    assert_int_equal(pthread_barrier_init(&start, NULL, (unsigned)n + 1), 0);
    for (int i = 0; i < n; i++) {
        printers[i] = (struct worker){.start = &start, .q = q, .total = 1, .seen = &dummy};
        assert_int_equal(pthread_create(&printers[i].thread, NULL, printer, &printers[i]), 0);
    }
    pthread_barrier_wait(&start);
    nanosleep(&(struct timespec){.tv_nsec = 5 * 1000 * 1000}, NULL); /* let them wait */
    queue_close(q);
    long received = 0;
    for (int i = 0; i < n; i++) {
        assert_int_equal(pthread_join(printers[i].thread, NULL), 0);
        received += printers[i].received;
    }
    pthread_barrier_destroy(&start);
    queue_destroy(q);
    if (received)
        racelab_fail("nothing was ever put, yet consumers received %ld jobs", received);
}

/* Closing refuses new jobs but still hands out the queued ones, then reports the end. */
static void close_hands_out_queued_items_then_ends(void **state)
{
    (void)state;
    struct queue *q = queue_create(4);
    assert_non_null(q);
    long job = -1;
    for (long j = 10; j < 13; j++)
        assert_int_equal(queue_put(q, j), 0);
    queue_close(q);
    assert_int_equal(queue_put(q, 99), -1); /* refused after close */
    for (long j = 10; j < 13; j++) {
        assert_int_equal(queue_get(q, &job), 1);
        assert_int_equal(job, j);
    }
    job = -1;
    assert_int_equal(queue_get(q, &job), 0); /* closed and empty: the end */
    assert_int_equal(job, -1);               /* ... and *job untouched */
    assert_int_equal(queue_get(q, &job), 0); /* and it stays the end */
    queue_close(q);                          /* closing twice is harmless */
    queue_destroy(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(items_come_out_in_order_single_threaded),
        cmocka_unit_test(items_from_many_producers_arrive_exactly_once),
        cmocka_unit_test(items_arrive_exactly_once_with_one_consumer),
        cmocka_unit_test(items_arrive_exactly_once_with_one_producer),
        cmocka_unit_test(close_lets_waiting_consumers_finish),
        cmocka_unit_test(close_hands_out_queued_items_then_ends),
    };
    return cmocka_run_group_tests_name("queue", tests, NULL, NULL);
}
