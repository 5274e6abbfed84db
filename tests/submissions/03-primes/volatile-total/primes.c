/*
 * What the student tried: volatile. The student guessed that the workers'
 * additions to `total` sit in a register and never reach memory, and made
 * `total` volatile. But a forked worker has its own copy of all memory: the
 * add does reach memory, the child's own. The parent still returns 0 and
 * still leaves zombies. Otherwise this is the starter.
 */
#include "primes.h"

#include <errno.h>
#include <stdbool.h>
#include <unistd.h>

static volatile long total; /* each worker adds its count here; volatile: always in memory */

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

    total = 0;
    for (int i = 0; i < nworkers; i++) {
        long from = share_start(lo, hi, nworkers, i);
        long to = share_start(lo, hi, nworkers, i + 1);
        pid_t pid = fork();
        if (pid < 0)
            return -1;
        if (pid == 0) { /* the worker */
            long count = count_range(from, to);
            total += count;
            if (report)
                report[i].count = count;
            _exit(0); /* a worker must never return into the caller's code */
        }
        if (report)
            report[i] = (struct primes_worker){.pid = pid, .lo = from, .hi = to};
    }
    return total;
}
