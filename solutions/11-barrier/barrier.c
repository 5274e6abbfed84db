/*
 * barrier.c - reference solution for 11-barrier (instructor only).
 *
 * A generation-counted barrier. `round` numbers the current round. A thread
 * that arrives remembers the round it arrived in and waits until `round`
 * has moved past it. The last thread to arrive starts the next round: it
 * resets the arrival count, advances `round`, and wakes everyone.
 *
 * The waiters test "has my round ended?", which only the last arrival of
 * that very round can make true. They never test the arrival count, which
 * a fast thread's arrival for the next round changes. A thread that wakes
 * late, after fast threads have already arrived for the next round, still
 * sees that its own round is over and leaves. A fast thread that arrives
 * early for the next round sees that round still open and waits. So no
 * thread passes a round that not all threads have reached, and none is left
 * behind.
 *
 * The wait is in a while loop: pthread_cond_wait may return without a
 * broadcast (a spurious wake-up), and then the round has not moved on.
 */
#include "barrier.h"

#include <pthread.h>
#include <stdlib.h>

struct barrier {
    pthread_mutex_t lock; /* guards arrived and round */
    pthread_cond_t next;  /* broadcast when a round ends */
    int nthreads;         /* threads in the group; fixed after create */
    int arrived;          /* threads that have arrived in the current round */
    unsigned long round;  /* the current round's number (wraps harmlessly) */
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
        while (b->round == mine) /* until this round has ended */
            pthread_cond_wait(&b->next, &b->lock);
    }
    pthread_mutex_unlock(&b->lock);
    return leader;
}
