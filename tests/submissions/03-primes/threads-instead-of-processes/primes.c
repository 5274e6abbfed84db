/*
 * What the student tried: threads instead of processes. Threads share the
 * parent's memory, so each worker thread simply stores its count where the
 * parent can read it after pthread_join: no pipe, no fork, no zombies. The
 * totals are right and nothing is left behind, but the workers are not
 * child processes (report[i].pid can only be the parent's own pid), and
 * this is the lab about processes, whose mechanism check forbids threads.
 */
#include "primes.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <unistd.h>

/* One worker thread's share, and the count it found there. */
struct share {
    pthread_t thread;
    long from, to;
    long count; /* written by the worker, read by the parent after the join */
};

/* Trial division by 2, 3 and then 6k - 1, 6k + 1: slow on purpose. */
static bool is_prime(long n)
{
    if (n < 2)
        return false;
    if (n < 4)
        return true;
    if (n % 2 == 0 || n % 3 == 0)
        return false;
    for (long d = 5; d * d <= n; d += 6)
        if (n % d == 0 || n % (d + 2) == 0)
            return false;
    return true;
}

/* The number of primes p with lo <= p < hi. */
static long count_range(long lo, long hi)
{
    long count = 0;
    for (long n = lo; n < hi; n++)
        count += is_prime(n);
    return count;
}

/* The first number of worker i's share (primes.h defines the split). */
static long share_start(long lo, long hi, int nworkers, int i)
{
    return lo + i * (hi - lo) / nworkers;
}

static void *count_share(void *arg)
{
    struct share *s = arg;
    s->count = count_range(s->from, s->to);
    return NULL;
}

long primes_count(long lo, long hi, int nworkers, struct primes_worker *report)
{
    if (lo < 0 || lo > hi || hi > PRIMES_MAX_N || nworkers < 1 || nworkers > PRIMES_MAX_WORKERS) {
        errno = EINVAL;
        return -1;
    }

    struct share shares[PRIMES_MAX_WORKERS];
    int started = 0;
    for (; started < nworkers; started++) { /* threads share memory: no pipe needed */
        struct share *s = &shares[started];
        s->from = share_start(lo, hi, nworkers, started);
        s->to = share_start(lo, hi, nworkers, started + 1);
        if (pthread_create(&s->thread, NULL, count_share, s) != 0)
            break;
    }
    long total = 0;
    for (int i = 0; i < started; i++) {
        pthread_join(shares[i].thread, NULL);
        total += shares[i].count;
        if (report) /* a thread has no pid of its own: report ours */
            report[i] = (struct primes_worker){
                .pid = getpid(), .lo = shares[i].from, .hi = shares[i].to, .count = shares[i].count};
    }
    if (started < nworkers) {
        errno = EAGAIN;
        return -1;
    }
    return total;
}
