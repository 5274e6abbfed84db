/*
 * queue.h - the print spooler's bounded job queue (fixed: do not change this file).
 *
 * A queue holds at most `capacity` job numbers in first-in, first-out order.
 * Producer threads (laptops submitting print jobs) call queue_put(); consumer
 * threads (printers) call queue_get(). Any number of producers and consumers
 * may use one queue at the same time.
 *
 * Shutdown: once the last producer is done, someone calls queue_close().
 * After that, puts are refused, and consumers first receive every job still
 * queued, then learn that the queue is finished (queue_get returns 0), so
 * printer threads can end cleanly.
 *
 * Ownership: queue_create() returns a queue owned by the caller, released
 * with queue_destroy() once no thread uses it. Jobs are plain numbers, copied
 * in and out; the queue keeps no pointers of yours.
 */
#ifndef QUEUE_H
#define QUEUE_H

#include <stddef.h>

struct queue;

/* A new, empty, open queue for up to capacity (>= 1) jobs; NULL when out of memory. */
struct queue *queue_create(size_t capacity);

/* Releases the queue. No thread may be using it, or use it afterwards. */
void queue_destroy(struct queue *q);

/* Appends job. While the queue is full, waits until a consumer makes room.
 * Returns 0 once the job is queued, or -1 (job not queued) if the queue is
 * closed, including when it is closed while this call waits. */
int queue_put(struct queue *q, long job);

/* Removes the oldest job into *job and returns 1. While the queue is empty
 * and open, waits for a job. Returns 0 (and leaves *job alone) once the
 * queue is closed and empty: there will never be another job. */
int queue_get(struct queue *q, long *job);

/* Closes the queue and wakes every thread waiting in queue_put or queue_get.
 * Jobs already queued are still handed out. Closing twice is harmless. */
void queue_close(struct queue *q);

#endif
