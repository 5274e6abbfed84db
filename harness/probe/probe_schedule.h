/*
 * probe_schedule.h - the probe's PCT-style scheduler (RACELAB_NOISE=pct).
 *
 * PCT (Burckhardt et al., "A Randomized Scheduler with Probabilistic
 * Guarantees of Finding Bugs", ASPLOS 2010) runs one thread at a time: the
 * runnable thread of highest priority. Priorities are random, and at d-1
 * random steps the running thread's priority drops below every other, so an
 * ordering bug that needs d specific orderings is found with a probability
 * that does not shrink with the length of the run as fast as plain noise.
 *
 * Here a "step" is a synchronisation call of the student's code (every call
 * the probe stands in for), and "runnable" means: wants to run student code.
 * A thread holds the turn while it runs; it gives the turn up before any
 * call that may block (a contended lock, a condition wait, a join, a read,
 * a sleep) and asks for it again afterwards, so blocking never deadlocks the
 * scheduler. Threads the probe has not seen yet (the tests' own threads
 * before their first student call) run freely until then.
 *
 * The number of steps a run will take is unknown, so the change points are
 * drawn log-uniformly between 1 and 65536 steps rather than uniformly over
 * the run: every scale of run gets some. Two guards keep a run from
 * stalling: a thread that waits for the turn while its holder is blocked in
 * code the probe cannot see (the tests' own joins, stdio locks) or has spun
 * for too long takes the turn over; and a holder that makes many steps in a
 * row while others wait (a spin loop on an atomic flag) drops its priority.
 *
 * The scheduler is compiled without ThreadSanitizer and synchronises with
 * raw atomics and futex system calls only, which TSan does not see: handing
 * the turn from one thread to another must not create a happens-before edge
 * that would hide the very races the run is looking for.
 *
 * All functions are cheap no-ops until schedule_start() turned PCT on.
 */
#ifndef RACELAB_PROBE_SCHEDULE_H
#define RACELAB_PROBE_SCHEDULE_H

#include <stdbool.h>
#include <stdint.h>

/* Turns the scheduler on for this process, with the run's seed. */
void schedule_start(uint64_t seed);

/* True when the scheduler is on. */
bool schedule_on(void);

/* A step of the calling thread: may hand the turn to a thread of higher
 * priority and wait for it to come back. Registers an unseen thread.
 * True when the thread had to wait for the turn. */
bool schedule_step(void);

/* A yield of the calling thread: every waiting thread goes first (a thread
 * that yields is waiting for one of them: PCT would spin forever if the
 * spinner kept the highest priority). True when it had to wait. */
bool schedule_yield(void);

/* Around a call that may block: gives the turn up, and takes it back. */
void schedule_block_begin(void);
void schedule_block_end(void);

/* Thread creation: the creator reserves the new thread's place (with its
 * priority) before the thread exists, so that the creator's next step
 * already sees it; the new thread claims it first thing. A reservation
 * whose thread could not be created is cancelled. Returns -1 when off. */
int schedule_reserve(void);
void schedule_claim(int reservation);
void schedule_cancel(int reservation);
/* The creator is back from pthread_create. Until then its turn is not taken
 * over: ThreadSanitizer's pthread_create waits, off the CPU, for the new
 * thread to start, which looked like a stall and let the oldest waiting
 * thread take the turn (and the top priority) at every creation, so the
 * first thread created always ran first. */
void schedule_created(void);

/* In a child right after fork: the child's only thread holds the turn. */
void schedule_after_fork(void);

/* How many times the turn changed hands in this process. */
uint64_t schedule_switches(void);

#endif
