/*
 * What the student tried: busy-waiting with the semaphore. pool_acquire()
 * calls sem_trywait() in a loop until it gets a connection, "so that
 * signals can never interrupt it". The count stays right and nothing
 * races, but a waiting thread never sleeps: it burns its CPU spinning,
 * which the waiting check's title and the lab's hint ("no sleep loops",
 * sem_wait() in pool_acquire) rule out.
 */
#include "pool.h"

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
    while (sem_trywait(&pool->free) != 0)
        ; /* none free yet: try again (never blocks, so a signal can't get in the way) */
}

void pool_release(struct pool *pool)
{
    sem_post(&pool->free);
}
