/*
 * What the student tried: the reference solution with one subtle bug left
 * in. queue_put() checks `closed` before it starts waiting for room, but not
 * again after the wait. A producer that was waiting on a full queue when
 * queue_close() woke it does not notice the close: it stores its job into
 * the full ring (overwriting the oldest queued job) and returns 0 instead
 * of -1. Everything else is the reference solution.
 */
#include "queue.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct queue {
    pthread_mutex_t lock;     /* guards every field below */
    pthread_cond_t not_full;  /* signalled when a slot frees up, broadcast on close */
    pthread_cond_t not_empty; /* signalled when a job arrives, broadcast on close */
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
    if (pthread_cond_init(&q->not_full, NULL) != 0)
        goto fail_not_full;
    if (pthread_cond_init(&q->not_empty, NULL) != 0)
        goto fail_not_empty;
    q->capacity = capacity;
    return q;

fail_not_empty:
    pthread_cond_destroy(&q->not_full);
fail_not_full:
    pthread_mutex_destroy(&q->lock);
fail_lock:
    free(q->jobs);
fail_jobs:
    free(q);
    return NULL;
}

void queue_destroy(struct queue *q)
{
    pthread_cond_destroy(&q->not_empty);
    pthread_cond_destroy(&q->not_full);
    pthread_mutex_destroy(&q->lock);
    free(q->jobs);
    free(q);
}

int queue_put(struct queue *q, long job)
{
    int rc = -1;

    pthread_mutex_lock(&q->lock);
    if (!q->closed) { /* closed queues take no more jobs */
        while (q->count == q->capacity && !q->closed)
            pthread_cond_wait(&q->not_full, &q->lock);
        q->jobs[(q->head + q->count) % q->capacity] = job;
        q->count++;
        pthread_cond_signal(&q->not_empty); /* one new job: one consumer can use it */
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
        pthread_cond_wait(&q->not_empty, &q->lock);
    if (q->count > 0) { /* closed or not, queued jobs are still handed out */
        *job = q->jobs[q->head];
        q->head = (q->head + 1) % q->capacity;
        q->count--;
        pthread_cond_signal(&q->not_full); /* one free slot: one producer can use it */
        rc = 1;
    }
    pthread_mutex_unlock(&q->lock);
    return rc;
}

void queue_close(struct queue *q)
{
    pthread_mutex_lock(&q->lock);
    q->closed = true;
    pthread_cond_broadcast(&q->not_full);
    pthread_cond_broadcast(&q->not_empty);
    pthread_mutex_unlock(&q->lock);
}
