/*
 * What the student tried: volatile instead of synchronisation. The student
 * guessed that the spinning threads see stale values of count, head and
 * tail, and declared every shared field volatile so that each read goes to
 * memory. That only stops the compiler from caching values: two printers
 * can still both see count == 1 and take the same job, and two laptops can
 * still write the same slot. Otherwise this is the starter.
 */
#include "queue.h"

#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>

struct queue {
    volatile long *jobs;      /* ring buffer of capacity slots */
    size_t capacity;          /* slots in jobs */
    volatile size_t head;     /* slot of the oldest job */
    volatile size_t tail;     /* slot for the next job */
    volatile long count;      /* jobs queued */
    volatile bool closed;     /* set by queue_close(): no more puts */
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
    free((long *)q->jobs);
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
