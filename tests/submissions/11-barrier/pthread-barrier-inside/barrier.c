/*
 * What the student tried: not building a barrier at all. barrier_wait()
 * hands the job to a pthread_barrier_t, whose wait returns
 * PTHREAD_BARRIER_SERIAL_THREAD in exactly one thread per round: that one
 * is the leader. It is correct (the C library's barrier is reusable and
 * holds every thread at every round), but the lab is about building one
 * from a mutex and a condition variable, and the README says not to use
 * pthread_barrier_t: no pthread_cond_wait or pthread_mutex_lock is ever
 * called, so uses-condvar is lost.
 */
#include "barrier.h"

#include <pthread.h>
#include <stdlib.h>

struct barrier {
    pthread_barrier_t inner; /* does all the work */
};

struct barrier *barrier_create(int nthreads)
{
    struct barrier *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    if (pthread_barrier_init(&b->inner, NULL, (unsigned)nthreads) != 0) {
        free(b);
        return NULL;
    }
    return b;
}

void barrier_destroy(struct barrier *b)
{
    pthread_barrier_destroy(&b->inner);
    free(b);
}

int barrier_wait(struct barrier *b)
{
    return pthread_barrier_wait(&b->inner) == PTHREAD_BARRIER_SERIAL_THREAD;
}
