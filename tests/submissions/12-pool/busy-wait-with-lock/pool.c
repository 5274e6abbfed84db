/*
 * What the student tried: the starter's spinning, made safe with one lock.
 * A mutex guards in_use and the check and the increment happen under it, so
 * the pool is never over-full and nothing races; but a thread that finds
 * the pool full drops the lock, calls sched_yield() and looks again, over
 * and over, instead of sleeping. The lab wants a semaphore and forbids
 * yielding, so the mechanism check is lost.
 */
#include "pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

struct pool {
    pthread_mutex_t lock; /* guards in_use */
    int size;             /* connections the database accepts at once */
    int in_use;           /* connections held right now */
};

struct pool *pool_create(int size)
{
    struct pool *pool = malloc(sizeof *pool);
    if (!pool)
        return NULL;
    pthread_mutex_init(&pool->lock, NULL);
    pool->size = size;
    pool->in_use = 0;
    return pool;
}

void pool_destroy(struct pool *pool)
{
    pthread_mutex_destroy(&pool->lock);
    free(pool);
}

void pool_acquire(struct pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    while (pool->in_use >= pool->size) { /* all taken: look again in a moment */
        pthread_mutex_unlock(&pool->lock);
        sched_yield();
        pthread_mutex_lock(&pool->lock);
    }
    pool->in_use++;
    pthread_mutex_unlock(&pool->lock);
}

void pool_release(struct pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    pool->in_use--;
    pthread_mutex_unlock(&pool->lock);
}
