/*
 * test_pool.c - visible tests for 12-pool: never more users than connections.
 *
 * Worker threads (RACELAB_THREADS of them, 4 when you run it by hand) line
 * up at a barrier, then each one acquires a connection, "uses" it, releases
 * it, and goes round again. While a thread holds a connection it counts
 * itself in an atomic gauge, `inside`, and keeps the highest value the gauge
 * ever reached: that high-water mark is how many threads held a connection
 * at the same moment, and it must never exceed the pool's size. Worker
 * threads never call cmocka's assertions (those only work on the main
 * thread): they record what they saw, and the main thread checks it.
 *
 * Run by hand: build/racelab check 12-pool (or `make grade`).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "pool.h"
#include "racelab_lab.h"

#define TOTAL_ROUNDS 20000 /* acquire/release rounds per test, shared out among the threads */
#define WORK_SPINS 200     /* how long a thread "talks to the database" while it holds one */
#define MAX_THREADS 64

/* How many threads hold a connection right now, and the most there ever were. */
struct gauge {
    atomic_int inside;
    atomic_int high;
};

/* One worker thread's orders and its report. */
struct user {
    pthread_t thread;
    pthread_barrier_t *start;
    struct pool *pool;
    struct gauge *gauge;
    long rounds;   /* how many times to acquire and release */
    long finished; /* out: rounds completed */
};

/* What a thread does while it holds a connection: counts itself in, records
 * the high-water mark, talks to the "database" for a moment, counts itself out. */
static void use_connection(struct gauge *g)
{
    int now = atomic_fetch_add(&g->inside, 1) + 1;
    int high = atomic_load(&g->high);
    while (now > high && !atomic_compare_exchange_weak(&g->high, &high, now))
        ;
    for (volatile int spin = 0; spin < WORK_SPINS; spin++)
        ;
    atomic_fetch_sub(&g->inside, 1);
}

static void *user_thread(void *arg)
{
    struct user *u = arg;
    pthread_barrier_wait(u->start);
    for (long i = 0; i < u->rounds; i++) {
        pool_acquire(u->pool);
        use_connection(u->gauge);
        pool_release(u->pool);
        u->finished++;
    }
    return NULL;
}

/* n threads share a pool of size connections, TOTAL_ROUNDS rounds in all:
 * never more than size inside at once, and every round completes. */
static void crowd(int n, int size)
{
    struct pool *pool = pool_create(size);
    assert_non_null(pool);
    struct gauge gauge = {0};
    struct user users[MAX_THREADS] = {0};
    pthread_barrier_t start;
    assert_int_equal(pthread_barrier_init(&start, NULL, (unsigned)n), 0);
    for (int i = 0; i < n; i++) {
        users[i] = (struct user){
            .start = &start, .pool = pool, .gauge = &gauge, .rounds = TOTAL_ROUNDS / n};
        assert_int_equal(pthread_create(&users[i].thread, NULL, user_thread, &users[i]), 0);
    }
    for (int i = 0; i < n; i++)
        assert_int_equal(pthread_join(users[i].thread, NULL), 0);
    pthread_barrier_destroy(&start);
    pool_destroy(pool);

    long finished = 0;
    for (int i = 0; i < n; i++)
        finished += users[i].finished;
    int high = atomic_load(&gauge.high);
    if (high > size)
        racelab_fail("%d threads shared a pool of %d connection(s), but %d of them held a "
                     "connection at the same moment",
                     n, size, high);
    if (finished != (long)n * (TOTAL_ROUNDS / n))
        racelab_fail("%d threads asked for %ld connections in all, but only %ld were granted", n,
                     (long)n * (TOTAL_ROUNDS / n), finished);
}

/* One thread alone: the documented behaviour, before any concurrency. */
static void pool_basics_work_single_threaded(void **state)
{
    (void)state;
    struct pool *pool = pool_create(3);
    assert_non_null(pool);
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 3; i++) /* all three are free: none of these waits */
            pool_acquire(pool);
        for (int i = 0; i < 3; i++)
            pool_release(pool);
    }
    pool_destroy(pool);
}

static void capacity_never_exceeded_by_a_crowd(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    crowd(n, n / 2);
}

static void capacity_of_one_admits_one_at_a_time(void **state)
{
    (void)state;
    crowd(racelab_threads(4), 1);
}

/* What the waiting thread in the next test reports. */
struct waiter {
    pthread_t thread;
    struct pool *pool;
    atomic_bool got_in;
};

static void *waiter_thread(void *arg)
{
    struct waiter *w = arg;
    pool_acquire(w->pool);
    atomic_store(&w->got_in, true);
    pool_release(w->pool);
    return NULL;
}

static void sleep_ms(long ms)
{
    nanosleep(&(struct timespec){.tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000}, NULL);
}

/* With every connection held, a newcomer waits; one release lets it in. */
static void waiting_ends_when_a_connection_is_released(void **state)
{
    (void)state;
    struct pool *pool = pool_create(2);
    assert_non_null(pool);
    pool_acquire(pool);
    pool_acquire(pool);
    struct waiter w = {.pool = pool};
    assert_int_equal(pthread_create(&w.thread, NULL, waiter_thread, &w), 0);
    sleep_ms(20);
    bool early = atomic_load(&w.got_in);
    pool_release(pool); /* now the waiter may come in */
    assert_int_equal(pthread_join(w.thread, NULL), 0);
    pool_release(pool);
    pool_destroy(pool);
    if (early)
        racelab_fail("pool_acquire returned while both connections of a pool of 2 were held");
}

/* The threads of the next test: acquire, then stay until everyone is in. */
struct party {
    pthread_mutex_t lock; /* guards inside */
    pthread_cond_t changed;
    int inside;    /* threads that got in so far */
    int expected;  /* threads that should all be in at once */
    int gave_up;   /* threads that stopped waiting for the others */
    int most_seen; /* threads inside when the first one gave up */
    struct pool *pool;
};

static void *party_thread(void *arg)
{
    struct party *p = arg;
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 3;

    pool_acquire(p->pool);
    pthread_mutex_lock(&p->lock);
    p->inside++;
    pthread_cond_broadcast(&p->changed);
    while (p->inside < p->expected)
        if (pthread_cond_timedwait(&p->changed, &p->lock, &deadline) == ETIMEDOUT) {
            if (p->gave_up++ == 0) /* the others never came: the main thread reports it */
                p->most_seen = p->inside;
            break;
        }
    pthread_mutex_unlock(&p->lock);
    pool_release(p->pool);
    return NULL;
}

/* A pool of n connections lets n threads hold one each at the same time:
 * each thread stays inside until all of them are in. */
static void waiting_never_happens_while_a_connection_is_free(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    struct party party = {.expected = n, .pool = pool_create(n)};
    assert_non_null(party.pool);
    assert_int_equal(pthread_mutex_init(&party.lock, NULL), 0);
    assert_int_equal(pthread_cond_init(&party.changed, NULL), 0);
    pthread_t threads[MAX_THREADS];
    for (int i = 0; i < n; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, party_thread, &party), 0);
    for (int i = 0; i < n; i++)
        assert_int_equal(pthread_join(threads[i], NULL), 0);
    pthread_cond_destroy(&party.changed);
    pthread_mutex_destroy(&party.lock);
    pool_destroy(party.pool);
    if (party.gave_up)
        racelab_fail("a pool of %d connections let only %d of %d threads in at the same time: "
                     "the others waited although connections were free",
                     n, party.most_seen, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pool_basics_work_single_threaded),
        cmocka_unit_test(capacity_never_exceeded_by_a_crowd),
        cmocka_unit_test(capacity_of_one_admits_one_at_a_time),
        cmocka_unit_test(waiting_ends_when_a_connection_is_released),
        cmocka_unit_test(waiting_never_happens_while_a_connection_is_free),
    };
    return cmocka_run_group_tests_name("pool", tests, NULL, NULL);
}
