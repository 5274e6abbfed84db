/*
 * What the student tried: a sleep-based "fix" for the zombies. The workers
 * now report through a pipe and the totals are right, but instead of
 * waitpid() the parent sleeps a millisecond "so that the workers have time
 * to exit". A child that has exited stays a zombie until its parent waits
 * for it, however long the parent sleeps: every worker is left behind.
 */
#include "primes.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#define RECORD_SIZE 12 /* u32 worker index, u64 count, big-endian */

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

/* Stores v in n bytes at p, most significant byte first. */
static void put_be(unsigned char *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)(v & 0xff);
}

/* The n-byte big-endian number at p. */
static uint64_t get_be(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* Writes all len bytes, retrying short writes and EINTR. 0, or -1 with errno. */
static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Reads up to len bytes, stopping early only at end-of-file; retries short
 * reads and EINTR. The number of bytes read, or -1 with errno. */
static ssize_t read_all(int fd, void *buf, size_t len)
{
    char *p = buf;
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, p + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

/* The worker's whole life: count the share, report it, exit. Never returns. */
_Noreturn static void worker(int fd, int index, long from, long to)
{
    unsigned char rec[RECORD_SIZE];
    put_be(rec, (uint64_t)index, 4);
    put_be(rec + 4, (uint64_t)count_range(from, to), 8);
    int rc = write_all(fd, rec, sizeof rec);
    /* _exit, not exit or return: the worker is a copy of the caller, and must
     * not run the caller's atexit handlers, flush its stdio buffers a second
     * time, or carry on with the caller's code. */
    _exit(rc == 0 ? 0 : 1);
}

/* Reads nworkers records from fd into counts[]; 0, or -1 with errno (EIO
 * when a record is missing, malformed or repeated). */
static int collect(int fd, int nworkers, long *counts)
{
    bool seen[PRIMES_MAX_WORKERS] = {false};
    unsigned char rec[RECORD_SIZE];

    for (int got = 0; got < nworkers; got++) {
        ssize_t n = read_all(fd, rec, sizeof rec);
        if (n < 0)
            return -1;
        if (n != RECORD_SIZE) /* end-of-file early: a worker died silently */
            goto bad;
        uint64_t index = get_be(rec, 4);
        if (index >= (uint64_t)nworkers || seen[index])
            goto bad;
        seen[index] = true;
        counts[index] = (long)get_be(rec + 4, 8);
    }
    if (read_all(fd, rec, 1) != 0) /* anything more is garbage */
        goto bad;
    return 0;
bad:
    errno = EIO;
    return -1;
}

long primes_count(long lo, long hi, int nworkers, struct primes_worker *report)
{
    if (lo < 0 || lo > hi || hi > PRIMES_MAX_N || nworkers < 1 || nworkers > PRIMES_MAX_WORKERS) {
        errno = EINVAL;
        return -1;
    }

    pid_t pids[PRIMES_MAX_WORKERS];
    long counts[PRIMES_MAX_WORKERS];
    int fds[2], started = 0, err = 0;

    if (pipe(fds) < 0)
        return -1;
    for (; started < nworkers; started++) {
        long from = share_start(lo, hi, nworkers, started);
        long to = share_start(lo, hi, nworkers, started + 1);
        pid_t pid = fork();
        if (pid < 0) {
            err = errno;
            break;
        }
        if (pid == 0) {
            close(fds[0]);
            worker(fds[1], started, from, to);
        }
        pids[started] = pid;
    }
    close(fds[1]); /* or read() never sees end-of-file */

    /* After a failed fork, skip reading: the workers already started finish
     * on their own (their short writes fit in the pipe's buffer, or they die
     * of SIGPIPE once the read end is closed) and are reaped below. */
    if (!err && collect(fds[0], nworkers, counts) < 0)
        err = errno;
    close(fds[0]);

    usleep(1000); /* give the workers time to exit, so they don't linger */
    if (err) {
        errno = err;
        return -1;
    }

    long total = 0;
    for (int i = 0; i < nworkers; i++) {
        total += counts[i];
        if (report)
            report[i] = (struct primes_worker){.pid = pids[i],
                                               .lo = share_start(lo, hi, nworkers, i),
                                               .hi = share_start(lo, hi, nworkers, i + 1),
                                               .count = counts[i]};
    }
    return total;
}
