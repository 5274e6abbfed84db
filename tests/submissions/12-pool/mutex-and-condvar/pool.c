/*
 * What the student tried: Lab 02's monitor instead of a semaphore. A mutex
 * guards in_use, and a thread that finds every connection taken sleeps on a
 * condition variable until pool_release() signals it. This is correct: no
 * race, never more than size threads inside, waiting threads sleep and wake
 * when a connection comes back. But 12-pool is the lab that teaches the
 * counting semaphore, and its mechanism check asks for one.
 */
#include "pool.h"

#include <pthread.h>
#include <stdlib.h>

struct pool {
    pthread_mutex_t lock; /* guards in_use */
    pthread_cond_t freed; /* signalled when a connection is given back */
    int size;             /* connections the database accepts at once */
    int in_use;           /* connections held right now */
};

struct pool *pool_create(int size)
{
    struct pool *pool = malloc(sizeof *pool);
    if (!pool)
        return NULL;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->freed, NULL);
    pool->size = size;
    pool->in_use = 0;
    return pool;
}

void pool_destroy(struct pool *pool)
{
    pthread_cond_destroy(&pool->freed);
    pthread_mutex_destroy(&pool->lock);
    free(pool);
}

void pool_acquire(struct pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    while (pool->in_use >= pool->size) /* all taken: sleep until one is given back */
        pthread_cond_wait(&pool->freed, &pool->lock);
    pool->in_use++;
    pthread_mutex_unlock(&pool->lock);
}

void pool_release(struct pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    pool->in_use--;
    pthread_cond_signal(&pool->freed);
    pthread_mutex_unlock(&pool->lock);
}
