/*
 * test_pool_hidden.c - hidden tests for 12-pool (instructor only, never handed out).
 *
 * Beyond the visible tests: pool sizes drawn from the trial's seed, two pools
 * in use at once (each with its own limit), a connection released by another
 * thread than the one that acquired it, a pool roomier than the crowd, many
 * pools created and destroyed, and waiting threads interrupted by signals
 * (sem_wait fails with EINTR, and pool_acquire must not return without a
 * connection). Test names share the visible tests' prefixes (capacity_,
 * waiting_, pool_) so that lab.ini globs them into the same checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pool.h"
#include "racelab_lab.h"

#define TOTAL_ROUNDS 8000 /* rounds per crowd, shared out among the threads */
#define MAX_THREADS 64
#define NPOOLS 2

struct gauge {
    atomic_int inside;
    atomic_int high;
};

struct user {
    pthread_t thread;
    pthread_barrier_t *start;
    struct pool *pools[NPOOLS]; /* used in turn, one at a time */
    struct gauge *gauges[NPOOLS];
    int npools;
    long rounds;
    long finished;
    atomic_bool done; /* set when the thread is about to return */
};

static void use_connection(struct gauge *g)
{
    int now = atomic_fetch_add(&g->inside, 1) + 1;
    int high = atomic_load(&g->high);
    while (now > high && !atomic_compare_exchange_weak(&g->high, &high, now))
        ;
    for (volatile int spin = 0; spin < 200; spin++)
        ;
    atomic_fetch_sub(&g->inside, 1);
}

static void *user_thread(void *arg)
{
    struct user *u = arg;
    pthread_barrier_wait(u->start);
    for (long i = 0; i < u->rounds; i++) {
        int k = (int)(i % u->npools);
        pool_acquire(u->pools[k]);
        use_connection(u->gauges[k]);
        pool_release(u->pools[k]);
        u->finished++;
    }
    atomic_store(&u->done, true);
    return NULL;
}

static void on_signal(int sig)
{
    (void)sig; /* nothing: the point is to interrupt sem_wait */
}

/* n threads over npools pools of the given sizes; with interrupt set, the
 * main thread keeps sending signals to the workers until they are done.
 * Checks each pool's high-water mark and that every round completed. */
static void crowd(int n, int npools, const int *sizes, bool interrupt)
{
    struct pool *pools[NPOOLS];
    struct gauge gauges[NPOOLS];
    memset(gauges, 0, sizeof gauges);
    for (int k = 0; k < npools; k++) {
        pools[k] = pool_create(sizes[k]);
        assert_non_null(pools[k]);
    }
    struct user *users = calloc((size_t)n, sizeof *users);
    assert_non_null(users);
    pthread_barrier_t start;
    assert_int_equal(pthread_barrier_init(&start, NULL, (unsigned)n), 0);
    for (int i = 0; i < n; i++) {
        users[i].start = &start;
        users[i].npools = npools;
        users[i].rounds = TOTAL_ROUNDS / n;
        for (int k = 0; k < npools; k++) {
            users[i].pools[k] = pools[(k + i) % npools];
            users[i].gauges[k] = &gauges[(k + i) % npools];
        }
        assert_int_equal(pthread_create(&users[i].thread, NULL, user_thread, &users[i]), 0);
    }
    if (interrupt) {
        for (int busy = n; busy > 0;) {
            busy = 0;
            for (int i = 0; i < n; i++)
                if (!atomic_load(&users[i].done)) {
                    busy++;
                    pthread_kill(users[i].thread, SIGUSR1);
                }
            nanosleep(&(struct timespec){.tv_nsec = 50000}, NULL);
        }
    }
    for (int i = 0; i < n; i++)
        assert_int_equal(pthread_join(users[i].thread, NULL), 0);
    pthread_barrier_destroy(&start);

    long finished = 0;
    for (int i = 0; i < n; i++)
        finished += users[i].finished;
    free(users);
    for (int k = 0; k < npools; k++) {
        pool_destroy(pools[k]);
        int high = atomic_load(&gauges[k].high);
        if (high > sizes[k])
            racelab_fail("%d threads used %d pool(s)%s; pool %d has %d connection(s), but %d "
                         "threads held one at the same moment",
                         n, npools, interrupt ? " while signals interrupted them" : "", k, sizes[k],
                         high);
    }
    if (finished != (long)n * (TOTAL_ROUNDS / n))
        racelab_fail("%d threads asked for %ld connections, %ld were granted", n,
                     (long)n * (TOTAL_ROUNDS / n), finished);
}

/* Sizes from the trial's seed, from 1 to more than the number of threads. */
static void capacity_holds_for_sizes_from_the_seed(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    unsigned seed = racelab_seed(1);
    for (int round = 0; round < 3; round++) {
        int size = 1 + rand_r(&seed) % n;
        crowd(n, 1, &size, false);
    }
}

/* Two pools of different sizes, each thread using both in turn: each pool
 * keeps its own limit, and neither pool's users wait for the other's. */
static void capacity_is_kept_by_each_of_two_pools(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    int sizes[NPOOLS] = {1, n / 2 > 1 ? n / 2 : 2};
    crowd(n, NPOOLS, sizes, false);
}

/* Signals keep interrupting the threads while they wait for a connection. */
static void capacity_holds_while_signals_interrupt_waiting(void **state)
{
    (void)state;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a waiting sem_wait fails with EINTR */
    assert_int_equal(sigaction(SIGUSR1, &sa, NULL), 0); /* and it stays installed */
    int n = racelab_threads(4);
    int size = 1;
    crowd(n, 1, &size, true);
}

struct helper {
    pthread_t thread;
    struct pool *pool;
    int count;
    atomic_bool got_in;
};

static void *acquirer(void *arg)
{
    struct helper *h = arg;
    pool_acquire(h->pool);
    atomic_store(&h->got_in, true);
    return NULL; /* keeps the connection: the main thread releases it */
}

static void *releaser(void *arg)
{
    struct helper *h = arg;
    for (int i = 0; i < h->count; i++)
        pool_release(h->pool);
    return NULL;
}

static void sleep_ms(long ms)
{
    nanosleep(&(struct timespec){.tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000}, NULL);
}

/* The main thread holds both connections; another thread releases one of
 * them, which lets a third, waiting thread in. */
static void waiting_ends_when_another_thread_releases(void **state)
{
    (void)state;
    struct pool *pool = pool_create(2);
    assert_non_null(pool);
    pool_acquire(pool);
    pool_acquire(pool);
    struct helper waiter = {.pool = pool};
    assert_int_equal(pthread_create(&waiter.thread, NULL, acquirer, &waiter), 0);
    sleep_ms(10);
    bool early = atomic_load(&waiter.got_in);
    struct helper rel = {.pool = pool, .count = 1};
    assert_int_equal(pthread_create(&rel.thread, NULL, releaser, &rel), 0);
    assert_int_equal(pthread_join(rel.thread, NULL), 0);
    assert_int_equal(pthread_join(waiter.thread, NULL), 0);
    pool_release(pool); /* the waiter's connection */
    pool_release(pool); /* the main thread's second one */
    pool_destroy(pool);
    if (early)
        racelab_fail("pool_acquire returned while both connections of a pool of 2 were held");
}

struct party {
    pthread_mutex_t lock; /* guards inside, gave_up, most_seen */
    pthread_cond_t changed;
    int inside, expected, gave_up, most_seen;
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
            if (p->gave_up++ == 0)
                p->most_seen = p->inside;
            break;
        }
    pthread_mutex_unlock(&p->lock);
    pool_release(p->pool);
    return NULL;
}

/* A pool with more connections than threads: all threads are in at once. */
static void waiting_never_happens_in_a_roomy_pool(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    int size = n + 5;
    struct party party = {.expected = n, .pool = pool_create(size)};
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
        racelab_fail("a pool of %d connections let only %d of %d threads in at the same time", size,
                     party.most_seen, n);
}

/* Many pools, one after another, each filled completely and emptied. */
static void pool_create_and_destroy_many(void **state)
{
    (void)state;
    for (int i = 0; i < 500; i++) {
        int size = 1 + i % 9;
        struct pool *pool = pool_create(size);
        assert_non_null(pool);
        for (int k = 0; k < size; k++)
            pool_acquire(pool);
        for (int k = 0; k < size; k++)
            pool_release(pool);
        pool_destroy(pool);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pool_create_and_destroy_many),
        cmocka_unit_test(capacity_holds_for_sizes_from_the_seed),
        cmocka_unit_test(capacity_is_kept_by_each_of_two_pools),
        cmocka_unit_test(capacity_holds_while_signals_interrupt_waiting),
        cmocka_unit_test(waiting_ends_when_another_thread_releases),
        cmocka_unit_test(waiting_never_happens_in_a_roomy_pool),
    };
    return cmocka_run_group_tests_name("pool_hidden", tests, NULL, NULL);
}
