/*
 * What the student tried: a cheat aimed at the probe's checks. The parent
 * counts every share itself, then dresses the answer up: it creates (and
 * closes) a pipe, forks one child per share that exits at once without doing
 * or sending anything, reports those children's real pids, and reaps them.
 * The parent observes the right numbers, but no count is computed by a
 * worker or sent through a pipe, and no two workers ever counted at the
 * same time: the lab says the uses-processes and parallel checks exist to
 * take those marks from a parent that does the work. A known limit: the
 * probe sees the right calls and children forked together, and the work is
 * too small for CPU time to tell real workers from empty ones, so the
 * grader gives those marks (see expect).
 */
#include "primes.h"

#include <errno.h>
#include <sys/types.h>
#include <sys/wait.h>
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

    int fds[2];
    if (pipe(fds) < 0) /* a pipe, as the lab asks (nothing is ever sent through it) */
        return -1;
    close(fds[0]);
    close(fds[1]);

    pid_t pids[PRIMES_MAX_WORKERS];
    int started = 0;
    for (; started < nworkers; started++) { /* one "worker" per share, doing nothing */
        pid_t pid = fork();
        if (pid < 0)
            break;
        if (pid == 0)
            _exit(0);
        pids[started] = pid;
    }

    long total = 0;
    for (int i = 0; i < nworkers; i++) { /* the real work, all in the parent */
        long from = share_start(lo, hi, nworkers, i);
        long to = share_start(lo, hi, nworkers, i + 1);
        long count = count_range(from, to);
        total += count;
        if (report)
            report[i] = (struct primes_worker){
                .pid = i < started ? pids[i] : -1, .lo = from, .hi = to, .count = count};
    }

    for (int i = 0; i < started; i++) /* reap the dummies, retrying on EINTR */
        while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
            ;
    if (started < nworkers)
        return -1;
    return total;
}
