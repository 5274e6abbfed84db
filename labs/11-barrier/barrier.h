/*
 * barrier.h - a reusable barrier for the simulation's threads (fixed: do not change this file).
 *
 * A barrier makes a group of nthreads threads wait for each other: each
 * thread calls barrier_wait() when it has finished a round of work, and no
 * call returns until all nthreads threads of the group have called it for
 * that round. Then all of them return, and the next round begins.
 *
 * The barrier is reusable: the same barrier serves round after round. A
 * fast thread may call barrier_wait() for round r + 1 while slow threads are
 * still on their way out of round r; that call still waits for all nthreads
 * threads to arrive for round r + 1. No thread ever gets more than one round
 * ahead of another.
 *
 * Ownership: barrier_create() returns a barrier owned by the caller,
 * released with barrier_destroy() once no thread uses it.
 */
#ifndef BARRIER_H
#define BARRIER_H

struct barrier;

/* A barrier for a group of nthreads (>= 1) threads; NULL when out of memory. */
struct barrier *barrier_create(int nthreads);

/* Releases the barrier. No thread may be waiting in it, or use it afterwards. */
void barrier_destroy(struct barrier *b);

/* Waits until all nthreads threads of the group have called barrier_wait()
 * for this round, then returns. Returns 1 in exactly one thread of each round
 * (that round's leader, free to do the round's one-thread work) and 0 in all
 * the others. */
int barrier_wait(struct barrier *b);

#endif
