/*
 * What the student tried: nothing clever. This is the reference solution
 * (solutions/12-pool/pool.c), graded as a submission: a counting semaphore
 * of free connections, sem_wait retried on EINTR, sem_post to give back.
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
