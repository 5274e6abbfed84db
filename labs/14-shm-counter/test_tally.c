/*
 * test_tally.c - visible tests for 14-shm-counter: not a single vote may be lost.
 *
 * Every test counts a batch of ballots with tally_count(). The ballots are
 * made up by read_ballot() below, in the counting processes, from the
 * ballot's number alone, so the test knows exactly how many votes each
 * candidate must end up with. read_ballot() also keeps the test's own
 * books in a small shared mapping of its own (struct books): how often it
 * was called, and whether every running total it read was consistent. It
 * lines the counting processes up at a start line, so that they really
 * count at the same time.
 *
 * ThreadSanitizer can't see processes that race on shared memory: only the
 * final counts can. This program is single-threaded, and it forks only
 * through tally_count().
 *
 * Run by hand: build/racelab check 14-shm-counter (or `make grade`).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "racelab_lab.h"
#include "tally.h"

#define ROUNDS 12         /* counts per test, each with newly forked processes */
#define BALLOTS 2000      /* ballots per count */
#define START_WAIT_MS 500 /* longest a counting process waits at the start line */

/* The test's own bookkeeping, shared with the counting processes. */
struct books {
    atomic_int arrived;          /* counting processes that reached the start line */
    int expected;                /* counting processes that will arrive */
    atomic_int gave_up;          /* one stopped waiting: they don't all run at once */
    unsigned char seen[BALLOTS]; /* seen[b]: calls of read_ballot for ballot b */
    atomic_long bad_reads;       /* running totals that were not the sum of the counts */
    int check_every;             /* > 0: read the running totals every this many ballots */
    struct tally *tally;
};

static struct books *books; /* mapped by the group setup */

/* The candidate on ballot b: a fixed, uneven mix. */
static int candidate_on(long b)
{
    uint64_t x = (uint64_t)b * 0x9E3779B97F4A7C15ull;
    int c = (int)((x >> 40) % 8);
    return c < TALLY_CANDIDATES ? c : c - TALLY_CANDIDATES; /* 0-2 get twice the votes */
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The ballot reader, run in the counting processes. On its first call in a
 * process it waits (half a second at most) until every counting process is
 * there. If they never all arrive (a tally_count that runs the processes one
 * after another), the start line is dropped for the rest of the program. */
static int read_ballot(long b, void *arg)
{
    struct books *bk = arg;
    static bool started; /* each counting process has its own copy, false at first */
    if (!started) {
        started = true;
        atomic_fetch_add(&bk->arrived, 1);
        double give_up = now_ms() + START_WAIT_MS;
        while (atomic_load(&bk->arrived) < bk->expected && !atomic_load(&bk->gave_up))
            if (now_ms() < give_up) {
                sched_yield();
            } else {
                atomic_store(&bk->gave_up, 1);
                break;
            }
    }
    bk->seen[b]++; /* each ballot is read by one process only */
    if (bk->check_every > 0 && b % bk->check_every == 0) {
        long votes[TALLY_CANDIDATES], total, sum = 0;
        tally_read(bk->tally, votes, &total);
        for (int c = 0; c < TALLY_CANDIDATES; c++)
            sum += votes[c];
        if (sum != total)
            atomic_fetch_add(&bk->bad_reads, 1);
    }
    return candidate_on(b);
}

static int map_books(void **state)
{
    (void)state;
    books = mmap(NULL, sizeof *books, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return books == MAP_FAILED ? -1 : 0;
}

static int unmap_books(void **state)
{
    (void)state;
    return munmap(books, sizeof *books);
}

/* Fails the test if this process has any child left (after reaping it). */
static void check_no_child_left(void)
{
    errno = 0;
    pid_t pid = waitpid(-1, NULL, WNOHANG);
    if (pid == -1 && errno == ECHILD)
        return;
    while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
        ;
    racelab_fail("a counting process (pid %d) outlived tally_count: wait for every one of them",
                 (int)pid);
}

/* Counts ballots with nworkers processes, adding to what t already holds
 * (expected[] and *expected_total), and checks the result. */
static void count_and_check(struct tally *t, long ballots, int nworkers, int check_every,
                            long expected[TALLY_CANDIDATES], long *expected_total)
{
    static bool no_start_line; /* the processes never all arrived: stop waiting for them */
    memset(books, 0, sizeof *books);
    books->expected = no_start_line ? 0 : (int)(ballots < nworkers ? ballots : nworkers);
    books->check_every = check_every;
    books->tally = t;
    for (long b = 0; b < ballots; b++)
        expected[candidate_on(b)]++;
    *expected_total += ballots;

    errno = 0;
    int rc = tally_count(t, ballots, nworkers, read_ballot, books);
    if (rc != 0)
        racelab_fail("tally_count(%ld ballots, %d workers) returned %d (errno %d: %s)", ballots,
                     nworkers, rc, errno, strerror(errno));
    check_no_child_left();
    if (atomic_load(&books->gave_up))
        no_start_line = true;
    for (long b = 0; b < ballots; b++)
        if (books->seen[b] != 1)
            racelab_fail("ballot %ld was read %d times by the counting processes (once is right)",
                         b, books->seen[b]);

    long votes[TALLY_CANDIDATES], total;
    tally_read(t, votes, &total);
    if (total != *expected_total)
        racelab_fail("counting %ld ballots at a time with %d processes, %ld ballots were counted "
                     "in all, but the tally's total is %ld: %ld votes were lost",
                     ballots, nworkers, *expected_total, total, *expected_total - total);
    for (int c = 0; c < TALLY_CANDIDATES; c++)
        if (votes[c] != expected[c])
            racelab_fail("counting %ld ballots at a time with %d processes, candidate %d received "
                         "%ld votes in all, but the tally says %ld: %ld were lost",
                         ballots, nworkers, c, expected[c], votes[c], expected[c] - votes[c]);
}

/* Counts ballots with nworkers processes `rounds` times over, into one new
 * tally. Each round lines up newly forked processes at the start line, so
 * that they count at the same time. */
static long count_rounds(int rounds, long ballots, int nworkers, int check_every)
{
    struct tally *t = tally_create();
    assert_non_null(t);
    long expected[TALLY_CANDIDATES] = {0}, expected_total = 0, bad_reads = 0;
    for (int round = 0; round < rounds; round++) {
        count_and_check(t, ballots, nworkers, check_every, expected, &expected_total);
        bad_reads += atomic_load(&books->bad_reads);
    }
    tally_destroy(t);
    return bad_reads; /* running totals that did not add up */
}

/* One process, no forking: the documented behaviour. */
static void tally_basics_work_in_one_process(void **state)
{
    (void)state;
    struct tally *t = tally_create();
    assert_non_null(t);
    long votes[TALLY_CANDIDATES], total;
    tally_read(t, votes, &total);
    assert_int_equal(total, 0);
    for (int i = 0; i < 10; i++)
        tally_vote(t, i % 3 == 0 ? 4 : 1);
    tally_read(t, votes, &total);
    assert_int_equal(total, 10);
    assert_int_equal(votes[4], 4);
    assert_int_equal(votes[1], 6);
    assert_int_equal(votes[0] + votes[2] + votes[3], 0);
    tally_destroy(t);
}

static void count_is_exact_with_two_processes(void **state)
{
    (void)state;
    count_rounds(ROUNDS, BALLOTS, 2, 0);
}

static void count_is_exact_with_the_trials_process_count(void **state)
{
    (void)state;
    count_rounds(ROUNDS, BALLOTS, racelab_threads(4), 0);
}

/* The counting processes read the running totals as they go: every reading adds up. */
static void snapshots_always_add_up(void **state)
{
    (void)state;
    long bad = count_rounds(ROUNDS / 3, BALLOTS, racelab_threads(4), 7);
    if (bad > 0)
        racelab_fail("%ld of the running totals read during counting were not the sum of the "
                     "candidates' counts",
                     bad);
}

/* Afterwards no counting process is left; bad arguments are refused. */
static void cleanup_waits_for_every_process_and_checks_arguments(void **state)
{
    (void)state;
    struct tally *t = tally_create();
    assert_non_null(t);
    long ballots[] = {100, 3, 0}; /* 3: more processes than ballots; 0: nothing to count */
    for (int i = 0; i < 3; i++) {
        memset(books, 0, sizeof *books);
        books->expected = 1; /* nobody waits at the start line */
        errno = 0;
        int rc = tally_count(t, ballots[i], 5, read_ballot, books);
        if (rc != 0)
            racelab_fail("tally_count(%ld ballots, 5 processes) returned %d (errno %d: %s)",
                         ballots[i], rc, errno, strerror(errno));
        check_no_child_left();
    }
    int bad_workers[] = {0, -1, TALLY_MAX_WORKERS + 1};
    for (int i = 0; i < 3; i++) {
        errno = 0;
        assert_int_equal(tally_count(t, 10, bad_workers[i], read_ballot, books), -1);
        assert_int_equal(errno, EINVAL);
    }
    errno = 0;
    assert_int_equal(tally_count(t, -1, 2, read_ballot, books), -1);
    assert_int_equal(errno, EINVAL);
    check_no_child_left();
    tally_destroy(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tally_basics_work_in_one_process),
        cmocka_unit_test(count_is_exact_with_two_processes),
        cmocka_unit_test(count_is_exact_with_the_trials_process_count),
        cmocka_unit_test(snapshots_always_add_up),
        cmocka_unit_test(cleanup_waits_for_every_process_and_checks_arguments),
    };
    return cmocka_run_group_tests_name("tally", tests, map_books, unmap_books);
}
