/*
 * barrier.c - the simulation's barrier (this is the file you change).
 *
 * Threads arrive and are counted; the last one to arrive wakes the others.
 * To make the barrier reusable, the threads also count themselves out, and
 * the last one out takes one round's worth of arrivals off the count, ready
 * for the next round (any early arrivals for that round stay counted).
 *
 * With one round it is perfect. Run the simulation for a few hundred rounds
 * and the threads drift apart: a fast thread goes straight through the next
 * round's barrier while slow threads are still leaving this one, and the
 * simulation reads cells that its neighbours have not finished writing.
 *
 * Your job: make the barrier hold every thread at every round, with a mutex
 * and a condition variable (see README.md). You may change anything in this
 * file; barrier.h and the tests stay as they are.
 */
#include "barrier.h"

#include <pthread.h>
#include <stdlib.h>

struct barrier {
    pthread_mutex_t lock;    /* guards arrived and left */
    pthread_cond_t all_here; /* broadcast when the last thread of a round arrives */
    int nthreads;            /* threads in the group; fixed after create */
    int arrived;             /* threads that have arrived (this round and early ones) */
    int left;                /* threads that have left this round */
};

struct barrier *barrier_create(int nthreads)
{
    struct barrier *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->all_here, NULL);
    b->nthreads = nthreads;
    return b;
}

void barrier_destroy(struct barrier *b)
{
    pthread_cond_destroy(&b->all_here);
    pthread_mutex_destroy(&b->lock);
    free(b);
}

int barrier_wait(struct barrier *b)
{
    pthread_mutex_lock(&b->lock);
    b->arrived++;
    int leader = b->arrived == b->nthreads; /* the last to arrive leads the round */
    if (leader)
        pthread_cond_broadcast(&b->all_here);
    while (b->arrived < b->nthreads) /* a while loop, as it should be */
        pthread_cond_wait(&b->all_here, &b->lock);

    b->left++;
    if (b->left == b->nthreads) { /* the last one out resets the counts for the next round */
        b->arrived -= b->nthreads;
        b->left = 0;
    }
    pthread_mutex_unlock(&b->lock);
    return leader;
}
