/*
 * What the student tried: removing the processes. Forked workers could not
 * hand their counts back, so the student counts every share in the parent,
 * one after another, and fills report[i] with a made-up pid per share. The
 * totals and counts are right and nothing is left behind, but no worker was
 * ever a child process: the test that looks for waited-for children fails,
 * and the probe sees no fork, pipe or waitpid and never two workers at once.
 */
#include "primes.h"

#include <errno.h>
#include <sys/types.h>
#include <stdbool.h>
#include <unistd.h>

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

long primes_count(long lo, long hi, int nworkers, struct primes_worker *report)
{
    if (lo < 0 || lo > hi || hi > PRIMES_MAX_N || nworkers < 1 || nworkers > PRIMES_MAX_WORKERS) {
        errno = EINVAL;
        return -1;
    }

    long total = 0;
    for (int i = 0; i < nworkers; i++) { /* no fork: every share counted right here */
        long from = share_start(lo, hi, nworkers, i);
        long to = share_start(lo, hi, nworkers, i + 1);
        long count = count_range(from, to);
        total += count;
        if (report) /* a distinct, made-up "pid" per share */
            report[i] = (struct primes_worker){
                .pid = getpid() + 1 + i, .lo = from, .hi = to, .count = count};
    }
    return total;
}
