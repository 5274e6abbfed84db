/*
 * What the student tried: a usleep()-based wait. Every check and update of
 * the queue happens under the mutex, so it is correct, but instead of
 * pthread_cond_wait a waiting thread releases the lock, sleeps 50
 * microseconds and looks again. The lab forbids sleeping: it wastes time
 * when the event comes early and wakes needlessly when it comes late.
 */
#include "queue.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

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
    while (q->count == q->capacity && !q->closed) { /* full: look again in a moment */
        pthread_mutex_unlock(&q->lock);
        usleep(50);
        pthread_mutex_lock(&q->lock);
    }
    if (!q->closed) {
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
    while (q->count == 0 && !q->closed) { /* empty: look again in a moment */
        pthread_mutex_unlock(&q->lock);
        usleep(50);
        pthread_mutex_lock(&q->lock);
    }
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
