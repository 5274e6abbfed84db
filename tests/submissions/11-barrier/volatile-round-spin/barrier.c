/*
 * What the student tried: the generation-counted barrier, with waiters that
 * don't hold the mutex while they wait. Arrivals are counted under the
 * mutex as in the reference, but a waiter then lets go of the mutex and
 * polls `round`, declared volatile "so the new value is seen", yielding
 * between looks; the last arrival advances `round` under the mutex. On x86
 * the threads do stay in step, but volatile orders nothing: the waiters'
 * unlocked reads of `round` race with the leader's write, and nothing
 * orders one round's work before the next round's reads (ThreadSanitizer
 * reports both), and the waiters spin instead of sleeping on the condition
 * variable.
 */
#include "barrier.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

struct barrier {
    pthread_mutex_t lock; /* guards arrived and round */
    pthread_cond_t next;  /* broadcast when a round ends */
    int nthreads;         /* threads in the group; fixed after create */
    int arrived;          /* threads that have arrived in the current round */
    volatile unsigned long round; /* the current round's number; volatile: waiters poll it */
};

struct barrier *barrier_create(int nthreads)
{
    struct barrier *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    if (pthread_mutex_init(&b->lock, NULL) != 0)
        goto fail_lock;
    if (pthread_cond_init(&b->next, NULL) != 0)
        goto fail_cond;
    b->nthreads = nthreads;
    return b;

fail_cond:
    pthread_mutex_destroy(&b->lock);
fail_lock:
    free(b);
    return NULL;
}

void barrier_destroy(struct barrier *b)
{
    pthread_cond_destroy(&b->next);
    pthread_mutex_destroy(&b->lock);
    free(b);
}

int barrier_wait(struct barrier *b)
{
    int leader = 0;

    pthread_mutex_lock(&b->lock);
    unsigned long mine = b->round;
    if (++b->arrived == b->nthreads) { /* the last to arrive ends the round */
        b->arrived = 0;
        b->round++;
        pthread_cond_broadcast(&b->next);
        leader = 1;
    } else {
        pthread_mutex_unlock(&b->lock);
        while (b->round == mine) /* volatile: read from memory every time */
            sched_yield();
        return 0;
    }
    pthread_mutex_unlock(&b->lock);
    return leader;
}
