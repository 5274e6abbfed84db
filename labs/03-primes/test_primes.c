/*
 * test_primes.c - visible tests for 03-primes: the workers' counts must reach the parent.
 *
 * Every test calls primes_count() from this single-threaded program and
 * compares its answers with a sieve of Eratosthenes computed here. The
 * worker count comes from RACELAB_THREADS (4 when you run it by hand). After
 * each call the tests also look for what the call must not leave behind: a
 * child process (zombie or running) or an open file descriptor.
 *
 * Run by hand: build/racelab check 03-primes (or `make grade`).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "primes.h"
#include "racelab_lab.h"

#define RANGE_HI 60000 /* big enough to take the workers a moment */

/* The number of primes in [lo, hi), by a sieve: the answer key. */
static long sieve_count(long lo, long hi)
{
    if (hi <= 2 || lo >= hi)
        return 0;
    bool *composite = calloc((size_t)hi, sizeof *composite);
    assert_non_null(composite);
    long count = 0;
    for (long n = 2; n < hi; n++) {
        if (composite[n])
            continue;
        count += n >= lo;
        for (long m = n * n; m < hi; m += n)
            composite[m] = true;
    }
    free(composite);
    return count;
}

/* Calls primes_count and checks its total against the sieve. */
static void check_total(long lo, long hi, int nworkers)
{
    errno = 0;
    long got = primes_count(lo, hi, nworkers, NULL);
    long want = sieve_count(lo, hi);
    if (got != want)
        racelab_fail("primes_count(%ld, %ld, nworkers = %d) returned %ld (errno %d), but there are "
                     "%ld primes in that range",
                     lo, hi, nworkers, got, errno, want);
}

/* Open file descriptors in this process, among the first 1024. */
static int open_fds(void)
{
    int n = 0;
    for (int fd = 0; fd < 1024; fd++)
        n += fcntl(fd, F_GETFD) != -1;
    return n;
}

static void total_is_right_with_one_worker(void **state)
{
    (void)state;
    check_total(0, RANGE_HI, 1);
}

static void total_is_right_with_the_trials_worker_count(void **state)
{
    (void)state;
    check_total(0, RANGE_HI, racelab_threads(4));
}

static void total_is_right_with_an_odd_worker_count_and_range(void **state)
{
    (void)state;
    check_total(1001, RANGE_HI - 7, 3);
}

/* [10, 14) holds 11 and 13; most workers get an empty share. */
static void total_is_right_with_more_workers_than_numbers(void **state)
{
    (void)state;
    check_total(10, 14, racelab_threads(4) + 4);
}

static void total_rejects_bad_arguments(void **state)
{
    (void)state;
    struct {
        long lo, hi;
        int nworkers;
    } bad[] = {{0, 100, 0}, {0, 100, PRIMES_MAX_WORKERS + 1}, {50, 10, 2}, {-5, 10, 2}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        errno = 0;
        assert_int_equal(primes_count(bad[i].lo, bad[i].hi, bad[i].nworkers, NULL), -1);
        assert_int_equal(errno, EINVAL);
    }
}

/* report[i] describes worker i: shares in order, covering the range, each with its count. */
static void workers_report_their_own_counts(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    struct primes_worker report[PRIMES_MAX_WORKERS] = {0};
    long lo = 7, hi = RANGE_HI;
    long total = primes_count(lo, hi, n, report);
    long sum = 0;
    for (int i = 0; i < n; i++) {
        long want_lo = i == 0 ? lo : report[i - 1].hi;
        if (report[i].lo != want_lo || report[i].hi < report[i].lo)
            racelab_fail("worker %d's share is [%ld, %ld); it should start at %ld", i, report[i].lo,
                         report[i].hi, want_lo);
        long want = sieve_count(report[i].lo, report[i].hi);
        if (report[i].count != want)
            racelab_fail("worker %d counted [%ld, %ld), which holds %ld primes, but the parent "
                         "recorded %ld for it",
                         i, report[i].lo, report[i].hi, want, report[i].count);
        sum += report[i].count;
    }
    assert_int_equal(report[n - 1].hi, hi);
    if (sum != total)
        racelab_fail("the workers' counts add up to %ld, but primes_count returned %ld", sum,
                     total);
}

/* Each worker is its own child process: distinct pids, none of them ours, and
 * the kernel's accounting shows children that ran and were reaped. */
static void workers_are_separate_processes(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    struct primes_worker report[PRIMES_MAX_WORKERS] = {0};
    struct rusage before, after;
    assert_int_equal(getrusage(RUSAGE_CHILDREN, &before), 0);
    assert_int_not_equal(primes_count(0, RANGE_HI, n, report), -1);
    assert_int_equal(getrusage(RUSAGE_CHILDREN, &after), 0);
    for (int i = 0; i < n; i++) {
        if (report[i].pid <= 0 || report[i].pid == getpid())
            racelab_fail("worker %d's pid is %d: it must be the pid fork() returned to the parent",
                         i, (int)report[i].pid);
        for (int j = 0; j < i; j++)
            if (report[j].pid == report[i].pid)
                racelab_fail("workers %d and %d have the same pid %d", j, i, (int)report[i].pid);
    }
    if (after.ru_minflt == before.ru_minflt)
        racelab_fail("no child process was waited for during the call: the work must be done by "
                     "child processes that the parent reaps before returning");
}

/* When primes_count returns, it has no child left: waitpid finds none at all. */
static void cleanup_reaps_every_child(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    assert_int_not_equal(primes_count(0, RANGE_HI / 4, n, NULL), -1);
    errno = 0;
    pid_t pid = waitpid(-1, NULL, WNOHANG);
    if (pid == 0)
        racelab_fail("a worker is still running after primes_count returned");
    if (pid > 0)
        racelab_fail("worker %d was left as a zombie: the parent must waitpid() for every worker",
                     (int)pid);
    assert_int_equal(errno, ECHILD);
}

/* Every pipe end is closed again: the number of open descriptors is unchanged. */
static void cleanup_closes_every_pipe_end(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    int before = open_fds();
    for (int round = 0; round < 3; round++)
        assert_int_not_equal(primes_count(0, 1000, n, NULL), -1);
    int after = open_fds();
    if (after != before)
        racelab_fail("%d file descriptors were open before three calls, %d after", before, after);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(total_rejects_bad_arguments),
        cmocka_unit_test(total_is_right_with_one_worker),
        cmocka_unit_test(total_is_right_with_the_trials_worker_count),
        cmocka_unit_test(total_is_right_with_an_odd_worker_count_and_range),
        cmocka_unit_test(total_is_right_with_more_workers_than_numbers),
        cmocka_unit_test(workers_report_their_own_counts),
        cmocka_unit_test(workers_are_separate_processes),
        cmocka_unit_test(cleanup_reaps_every_child),
        cmocka_unit_test(cleanup_closes_every_pipe_end),
    };
    return cmocka_run_group_tests_name("primes", tests, NULL, NULL);
}
