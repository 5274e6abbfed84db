/*
 * primes.h - count primes with worker processes (fixed: do not change this file).
 *
 * primes_count() splits a range of numbers into nworkers equal shares and
 * forks one worker process per share. Each worker counts the primes in its
 * share and sends its count back to the parent; the parent adds the counts
 * up, waits for every worker, and returns the total.
 *
 * Worker i's share is [lo + i * (hi - lo) / nworkers,
 *                      lo + (i + 1) * (hi - lo) / nworkers)
 * (integer division), so the shares are in order, never overlap, and cover
 * [lo, hi) exactly. Some shares are empty when there are more workers than
 * numbers.
 *
 * Ownership: the caller owns report (it may be NULL). The function leaves no
 * trace in the calling process when it returns: no child process, running
 * or zombie, and no open file descriptor it created.
 */
#ifndef PRIMES_H
#define PRIMES_H

#include <sys/types.h>

#define PRIMES_MAX_WORKERS 64   /* largest nworkers accepted */
#define PRIMES_MAX_N (1L << 40) /* largest hi accepted */

/* What the parent learned about one worker. */
struct primes_worker {
    pid_t pid;   /* the worker's process id, as fork() returned it to the parent */
    long lo, hi; /* the worker's share: lo <= n < hi */
    long count;  /* primes in the share, as the worker reported them to the parent */
};

/*
 * Counts the primes p with lo <= p < hi using nworkers worker processes, one
 * per share (see above). When report is not NULL it must have room for
 * nworkers entries, and report[i] is filled in for worker i.
 *
 * Returns the number of primes, or -1 with errno set: EINVAL unless
 * 0 <= lo <= hi <= PRIMES_MAX_N and 1 <= nworkers <= PRIMES_MAX_WORKERS;
 * EIO if a worker failed or its report was lost; the errno of a failed
 * pipe(), fork() or read() otherwise. Even on error, every worker that was
 * started has been waited for.
 */
long primes_count(long lo, long hi, int nworkers, struct primes_worker *report);

#endif
