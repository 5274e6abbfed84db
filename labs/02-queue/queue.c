/*
 * queue.c - the print spooler's job queue (this is the file you change).
 *
 * A ring buffer: `head` is the slot of the oldest job, `tail` the slot where
 * the next job goes, `count` how many jobs are queued. The previous
 * maintainer made it "lock-free" by spinning: a producer waits for room by
 * re-reading `count` and yielding the processor, a consumer waits for a job
 * the same way, and then each one updates the buffer on its own. With one
 * laptop and one printer this worked. With a lab full of laptops and several
 * printers, some jobs are printed twice and others never come out.
 *
 * Your job: make queue_put, queue_get and queue_close correct with any number
 * of producer and consumer threads, and make waiting threads sleep instead
 * of spinning. You may change anything in this file (the struct's fields,
 * helpers, function bodies); queue.h and the tests stay as they are.
 */
#include "queue.h"

#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>

struct queue {
    long *jobs;      /* ring buffer of capacity slots */
    size_t capacity; /* slots in jobs */
    size_t head;     /* slot of the oldest job */
    size_t tail;     /* slot for the next job */
    long count;      /* jobs queued */
    bool closed;     /* set by queue_close(): no more puts */
};

struct queue *queue_create(size_t capacity)
{
    struct queue *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->jobs = calloc(capacity, sizeof *q->jobs);
    if (!q->jobs) {
        free(q);
        return NULL;
    }
    q->capacity = capacity;
    return q;
}

void queue_destroy(struct queue *q)
{
    free(q->jobs);
    free(q);
}

int queue_put(struct queue *q, long job)
{
    while (q->count >= (long)q->capacity) { /* full: wait for a printer to take one */
        if (q->closed)
            return -1;
        sched_yield();
    }
    if (q->closed)
        return -1;
    q->jobs[q->tail] = job;
    q->tail = (q->tail + 1) % q->capacity;
    q->count++;
    return 0;
}

int queue_get(struct queue *q, long *job)
{
    while (q->count <= 0) { /* empty: wait for a laptop to send one */
        if (q->closed)
            return 0;
        sched_yield();
    }
    *job = q->jobs[q->head];
    q->head = (q->head + 1) % q->capacity;
    q->count--;
    return 1;
}

void queue_close(struct queue *q)
{
    q->closed = true;
}
