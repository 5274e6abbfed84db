/*
 * test_tally_hidden.c - hidden tests for 14-shm-counter (instructor only, never handed out).
 *
 * Beyond the visible tests: 16 counting processes at once, ballot counts
 * drawn from the trial's seed, a single process, snapshots read by many
 * processes, a counting process that dies part way (EIO, and every process
 * still waited for), and many calls in a row. Test names share the visible
 * tests' prefixes (count_, snapshots_, cleanup_) so that lab.ini globs them
 * into the same checks. Single-threaded; it forks only through
 * tally_count(). The helpers are the visible test's, repeated here.
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
#define BALLOTS 4000      /* most ballots per count */
#define START_WAIT_MS 500 /* longest a counting process waits at the start line */

/* The test's own bookkeeping, shared with the counting processes. */
struct books {
    atomic_int arrived;          /* counting processes that reached the start line */
    int expected;                /* counting processes that will arrive */
    atomic_int gave_up;          /* one stopped waiting: they don't all run at once */
    unsigned char seen[BALLOTS]; /* seen[b]: calls of read_ballot for ballot b */
    atomic_long bad_reads;       /* running totals that were not the sum of the counts */
    int check_every;             /* > 0: read the running totals every this many ballots */
    long fail_at;                /* > 0: the process that reads this ballot dies with status 3 */
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
    if (bk->fail_at > 0 && b == bk->fail_at)
        _exit(3);  /* a ballot reader that crashed */
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

static void count_is_exact_with_sixteen_processes(void **state)
{
    (void)state;
    count_rounds(ROUNDS / 4, 2000, TALLY_MAX_WORKERS / 2, 0);
}

static void count_is_exact_for_ballot_counts_from_the_seed(void **state)
{
    (void)state;
    unsigned seed = racelab_seed(1);
    int n = racelab_threads(4) + 1;
    struct tally *t = tally_create();
    assert_non_null(t);
    long expected[TALLY_CANDIDATES] = {0}, expected_total = 0;
    for (int round = 0; round < ROUNDS / 2; round++)
        count_and_check(t, 1 + rand_r(&seed) % BALLOTS, n, 0, expected, &expected_total);
    tally_destroy(t);
}

static void count_is_exact_with_one_process(void **state)
{
    (void)state;
    count_rounds(2, 1000, 1, 0);
}

static void snapshots_add_up_while_many_processes_count(void **state)
{
    (void)state;
    long bad = count_rounds(ROUNDS / 3, 2000, 8, 3);
    if (bad > 0)
        racelab_fail("%ld running totals did not add up", bad);
}

/* A counting process dies part way: -1 with EIO, and no process is left behind. */
static void cleanup_after_a_counting_process_dies(void **state)
{
    (void)state;
    struct tally *t = tally_create();
    assert_non_null(t);
    int n = racelab_threads(4);
    memset(books, 0, sizeof *books);
    books->expected = 1;
    books->fail_at = 777;
    errno = 0;
    int rc = tally_count(t, 2000, n, read_ballot, books);
    int err = errno;
    check_no_child_left();
    tally_destroy(t);
    if (rc != -1 || err != EIO)
        racelab_fail("a counting process died, but tally_count returned %d with errno %d "
                     "(expected -1 with EIO)",
                     rc, err);
}

static void cleanup_holds_across_many_calls(void **state)
{
    (void)state;
    unsigned seed = racelab_seed(1);
    for (int call = 0; call < 10; call++) {
        struct tally *t = tally_create();
        assert_non_null(t);
        memset(books, 0, sizeof *books);
        books->expected = 1;
        int n = 1 + rand_r(&seed) % 6;
        if (tally_count(t, rand_r(&seed) % 50, n, read_ballot, books) != 0)
            racelab_fail("call %d: tally_count with %d processes failed", call, n);
        check_no_child_left();
        tally_destroy(t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(count_is_exact_with_one_process),
        cmocka_unit_test(count_is_exact_with_sixteen_processes),
        cmocka_unit_test(count_is_exact_for_ballot_counts_from_the_seed),
        cmocka_unit_test(snapshots_add_up_while_many_processes_count),
        cmocka_unit_test(cleanup_after_a_counting_process_dies),
        cmocka_unit_test(cleanup_holds_across_many_calls),
    };
    return cmocka_run_group_tests_name("tally_hidden", tests, map_books, unmap_books);
}
