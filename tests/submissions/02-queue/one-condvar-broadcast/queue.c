/*
 * What the student tried: one condition variable for both kinds of waiting
 * thread. Producers and consumers all wait on `changed`, and every put, get
 * and close broadcasts it. With pthread_cond_signal this would be a bug (a
 * producer's signal could wake another producer while the consumer that
 * should run keeps sleeping), but broadcasting wakes everyone and each
 * waiter re-checks its own condition in a while loop, so it is correct,
 * only wasteful. 02-queue's checks grade correctness and real waiting, so it
 * earns full marks.
 */
#include "queue.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct queue {
    pthread_mutex_t lock;     /* guards every field below */
    pthread_cond_t changed;   /* broadcast whenever a job or a slot appears, and on close */
    long *jobs;               /* ring buffer of capacity slots */
    size_t capacity;          /* slots in jobs; fixed after create */
    size_t head;              /* slot of the oldest job */
    size_t count;             /* jobs queued; the next free slot is (head + count) % capacity */
    bool closed;              /* set by queue_close(): no more puts */
};

struct queue *queue_create(size_t capacity)
{
    struct queue *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->jobs = calloc(capacity, sizeof *q->jobs);
    if (!q->jobs)
        goto fail_jobs;
    if (pthread_mutex_init(&q->lock, NULL) != 0)
        goto fail_lock;
    if (pthread_cond_init(&q->changed, NULL) != 0)
        goto fail_changed;
    q->capacity = capacity;
    return q;

fail_changed:
    pthread_mutex_destroy(&q->lock);
fail_lock:
    free(q->jobs);
fail_jobs:
    free(q);
    return NULL;
}

void queue_destroy(struct queue *q)
{
    pthread_cond_destroy(&q->changed);
    pthread_mutex_destroy(&q->lock);
    free(q->jobs);
    free(q);
}

int queue_put(struct queue *q, long job)
{
    int rc = -1;

    pthread_mutex_lock(&q->lock);
    while (q->count == q->capacity && !q->closed)
        pthread_cond_wait(&q->changed, &q->lock);
    if (!q->closed) {
        q->jobs[(q->head + q->count) % q->capacity] = job;
        q->count++;
        pthread_cond_broadcast(&q->changed); /* wake all: a consumer among them can use it */
        rc = 0;
    }
    pthread_mutex_unlock(&q->lock);
    return rc;
}

int queue_get(struct queue *q, long *job)
{
    int rc = 0;

    pthread_mutex_lock(&q->lock);
    while (q->count == 0 && !q->closed)
        pthread_cond_wait(&q->changed, &q->lock);
    if (q->count > 0) { /* closed or not, queued jobs are still handed out */
        *job = q->jobs[q->head];
        q->head = (q->head + 1) % q->capacity;
        q->count--;
        pthread_cond_broadcast(&q->changed); /* wake all: a producer among them can use it */
        rc = 1;
    }
    pthread_mutex_unlock(&q->lock);
    return rc;
}

void queue_close(struct queue *q)
{
    pthread_mutex_lock(&q->lock);
    q->closed = true;
    pthread_cond_broadcast(&q->changed);
    pthread_mutex_unlock(&q->lock);
}
