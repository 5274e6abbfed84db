/*
 * pool.c - reference solution for 12-pool (instructor only).
 *
 * A counting semaphore is exactly a pool's bookkeeping: its value is the
 * number of free connections. sem_wait() waits until the value is above zero
 * and takes one in a single indivisible step, so two threads can never both
 * see "one left" and both take it, which is the check-then-act race of the
 * starter (it read in_use, and only later wrote it). sem_post() gives one
 * back and wakes one waiting thread, which sleeps in the kernel meanwhile
 * instead of spinning. Every waiter is eventually let in, because each
 * release wakes one of them.
 *
 * A semaphore, unlike a mutex, has no owner, so a connection may be released
 * by a different thread than the one that acquired it, as pool.h allows.
 * sem_wait() can fail with EINTR when a signal arrives while it waits; it is
 * retried, since pool_acquire() has no way to report failure.
 */
#include "pool.h"

#include <errno.h>
#include <semaphore.h>
#include <stdlib.h>

struct pool {
    sem_t free; /* connections not held by anyone: the semaphore's value */
};

struct pool *pool_create(int size)
{
    struct pool *pool = malloc(sizeof *pool);
    if (!pool)
        return NULL;
    if (sem_init(&pool->free, 0, (unsigned)size) != 0) { /* 0: shared by threads only */
        free(pool);
        return NULL;
    }
    return pool;
}

void pool_destroy(struct pool *pool)
{
    sem_destroy(&pool->free);
    free(pool);
}

void pool_acquire(struct pool *pool)
{
    while (sem_wait(&pool->free) != 0 && errno == EINTR)
        ; /* interrupted by a signal before a connection was free: wait again */
}

void pool_release(struct pool *pool)
{
    sem_post(&pool->free);
}
