/*
 * test_barrier.c - visible tests for 11-barrier: threads that must keep in step.
 *
 * Worker threads run round after round, calling barrier_wait() at the end of
 * each. At the start of a round each thread publishes its round number, and
 * after each barrier it checks everyone's: after round r's barrier, every
 * thread must be in round r or r + 1, never behind, never further ahead.
 * The tests add a simulation that must compute exactly what one thread
 * computes, and a count of the leaders barrier_wait() names. Workers record
 * what they saw; the main thread checks it. Thread counts come from
 * RACELAB_THREADS (4 when run by hand).
 *
 * The state the threads share is made of relaxed C11 atomics. Those order
 * nothing, so the barrier alone must keep the threads in step, as plain
 * variables would need. But a broken barrier then shows up below as a
 * wrong round or a wrong cell, not as a ThreadSanitizer report about this
 * file.
 *
 * A barrier that lets a thread run ahead also leaves threads behind: when
 * the fast threads have done all their rounds, the slow ones wait forever
 * for partners that have gone. So once a worker has seen the barrier fail,
 * the main thread stops waiting for the workers (after a short grace),
 * reports what was seen, and leaves stuck threads behind.
 *
 * Run by hand: build/racelab check 11-barrier (or `make grade`).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "barrier.h"
#include "racelab_lab.h"

#define ROUNDS 300      /* rounds in the in-step and leader tests */
#define CELLS 240       /* cells in the simulation */
#define GENERATIONS 150 /* rounds of the simulation */
#define MAX_THREADS 64
#define GRACE_MS 200 /* after a failure is seen, how long stragglers get to finish */

#define relaxed memory_order_relaxed

/* One worker thread, and what it saw (atomics: the main thread may read
 * them while a worker that the barrier failed is still running). */
struct worker {
    pthread_t thread;
    struct shared *sh;
    int index;
    atomic_bool done;                          /* this worker has done all its rounds */
    atomic_long out_of_step;                   /* sightings of a thread in the wrong round */
    atomic_long bad_round, bad_other, bad_saw; /* the first such sighting */
};

/* What the threads of one test share. It lives on the heap: after a failure,
 * stuck workers keep using it, so it is then never freed. */
struct shared {
    struct barrier *b;
    int n;                          /* threads in the group */
    atomic_long round[MAX_THREADS]; /* the round each thread is in */
    atomic_bool broken;             /* some thread saw another in the wrong round */
    atomic_int finished;            /* workers that have done all their rounds */
    atomic_int leaders[ROUNDS];     /* leader test: leaders counted in each round */
    atomic_uchar cells[2][CELLS];   /* simulation: generation g lives in cells[g % 2] */
    struct worker workers[MAX_THREADS];
};

/* At the start of round r. */
static void begin_round(struct worker *w, long r)
{
    atomic_store_explicit(&w->sh->round[w->index], r, relaxed);
}

/* Just after round r's barrier: everyone has reached round r, and nobody can
 * pass round r + 1's barrier until this thread has arrived there too. */
static void check_round(struct worker *w, long r)
{
    struct shared *sh = w->sh;
    for (int u = 0; u < sh->n; u++) {
        long saw = atomic_load_explicit(&sh->round[u], relaxed);
        if (saw != r && saw != r + 1 && atomic_fetch_add(&w->out_of_step, 1) == 0) {
            atomic_store(&w->bad_round, r);
            atomic_store(&w->bad_other, u);
            atomic_store(&w->bad_saw, saw);
            atomic_store(&sh->broken, true);
        }
    }
}

static void *finish(struct worker *w)
{
    atomic_store(&w->done, true);
    atomic_fetch_add(&w->sh->finished, 1);
    return NULL;
}

static void *keep_in_step(void *arg)
{
    struct worker *w = arg;
    for (long r = 0; r < ROUNDS; r++) {
        begin_round(w, r);
        barrier_wait(w->sh->b);
        check_round(w, r);
    }
    return finish(w);
}

/* Each round, the thread that barrier_wait() names leader counts itself. */
static void *count_leaders(void *arg)
{
    struct worker *w = arg;
    for (long r = 0; r < ROUNDS; r++) {
        begin_round(w, r);
        if (barrier_wait(w->sh->b))
            atomic_fetch_add_explicit(&w->sh->leaders[r], 1, relaxed);
        check_round(w, r);
    }
    return finish(w);
}

/* Rule 30: a cell's next state from itself and its two neighbours. */
static unsigned char rule30(unsigned char left, unsigned char self, unsigned char right)
{
    return (unsigned char)(left ^ (self | right));
}

/* Each round, compute my share of the next generation from the current one,
 * reading my neighbours' edge cells, then wait for everyone. */
static void *simulate(void *arg)
{
    struct worker *w = arg;
    struct shared *sh = w->sh;
    int from = w->index * CELLS / sh->n, to = (w->index + 1) * CELLS / sh->n;
    for (long g = 0; g < GENERATIONS; g++) {
        begin_round(w, g);
        atomic_uchar *now = sh->cells[g % 2], *next = sh->cells[(g + 1) % 2];
        for (int i = from; i < to; i++) {
            unsigned char l = atomic_load_explicit(&now[(i + CELLS - 1) % CELLS], relaxed);
            unsigned char c = atomic_load_explicit(&now[i], relaxed);
            unsigned char r = atomic_load_explicit(&now[(i + 1) % CELLS], relaxed);
            atomic_store_explicit(&next[i], rule30(l, c, r), relaxed);
        }
        barrier_wait(sh->b);
        check_round(w, g);
    }
    return finish(w);
}

static void sleep_ms(long ms)
{
    nanosleep(&(struct timespec){.tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000}, NULL);
}

/* Runs fn on n threads sharing a barrier for n. Waits for all of them; but
 * once one has seen the barrier fail, waits only GRACE_MS more, then fails
 * the test with what the workers saw. Stuck workers are left behind, with
 * sh and the barrier they still use. */
static void run_group(struct shared *sh, int n, void *(*fn)(void *))
{
    struct worker *workers = sh->workers;
    sh->n = n;
    sh->b = barrier_create(n);
    assert_non_null(sh->b);
    for (int i = 0; i < n; i++) {
        workers[i].sh = sh;
        workers[i].index = i;
        assert_int_equal(pthread_create(&workers[i].thread, NULL, fn, &workers[i]), 0);
    }
    for (int waited = 0; atomic_load(&sh->finished) < n; sleep_ms(1))
        if (atomic_load(&sh->broken) && waited++ >= GRACE_MS)
            break;
    int stuck = 0;
    for (int i = 0; i < n; i++)
        if (atomic_load(&workers[i].done))
            assert_int_equal(pthread_join(workers[i].thread, NULL), 0);
        else
            stuck += pthread_detach(workers[i].thread) == 0;

    long bad = 0;
    struct worker *first = NULL;
    for (int i = 0; i < n; i++) {
        long seen = atomic_load(&workers[i].out_of_step);
        bad += seen;
        if (seen && !first)
            first = &workers[i];
    }
    if (first) {
        long r = atomic_load(&first->bad_round);
        racelab_fail("%d threads: %ld times a thread that had just passed the barrier saw "
                     "another thread in the wrong round. Thread %d, after round %ld's barrier, "
                     "saw thread %ld in round %ld (allowed: %ld or %ld). In the end %d "
                     "thread(s) were left waiting in barrier_wait for partners that had gone",
                     n, bad, first->index, r, atomic_load(&first->bad_other),
                     atomic_load(&first->bad_saw), r, r + 1, stuck);
    }
    barrier_destroy(sh->b);
}

static struct shared *new_shared(void)
{
    struct shared *sh = calloc(1, sizeof *sh);
    assert_non_null(sh);
    return sh;
}

/* A group of one never waits, and leads every round. */
static void rounds_pass_at_once_for_a_group_of_one(void **state)
{
    (void)state;
    struct barrier *b = barrier_create(1);
    assert_non_null(b);
    for (int r = 0; r < 10; r++)
        assert_int_equal(barrier_wait(b), 1);
    barrier_destroy(b);
}

/* n threads, ROUNDS rounds: no thread ever sees another more than one round away. */
static void rounds_stay_in_step(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    struct shared *sh = new_shared();
    run_group(sh, n, keep_in_step);
    free(sh);
}

/* Exactly one thread of each round is told it leads. */
static void leader_one_per_round(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    struct shared *sh = new_shared();
    run_group(sh, n, count_leaders);
    int wrong = 0, first = -1, first_count = 0;
    for (int r = 0; r < ROUNDS; r++) {
        int count = atomic_load(&sh->leaders[r]);
        if (count != 1 && wrong++ == 0) {
            first = r;
            first_count = count;
        }
    }
    free(sh);
    if (wrong)
        racelab_fail("%d threads, %d rounds: %d rounds did not have exactly one leader; "
                     "round %d had %d",
                     n, ROUNDS, wrong, first, first_count);
}

/* The simulation on n threads must compute exactly what one thread computes. */
static void simulation_matches_one_thread(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    unsigned seed = racelab_seed(1);
    unsigned char want[2][CELLS];
    struct shared *sh = new_shared();
    for (int i = 0; i < CELLS; i++) {
        want[0][i] = (unsigned char)(rand_r(&seed) % 2);
        atomic_init(&sh->cells[0][i], want[0][i]);
    }
    for (int g = 0; g < GENERATIONS; g++)
        for (int i = 0; i < CELLS; i++)
            want[(g + 1) % 2][i] = rule30(want[g % 2][(i + CELLS - 1) % CELLS], want[g % 2][i],
                                          want[g % 2][(i + 1) % CELLS]);

    run_group(sh, n, simulate);
    int wrong = 0, first = -1;
    for (int i = 0; i < CELLS; i++)
        if (atomic_load(&sh->cells[GENERATIONS % 2][i]) != want[GENERATIONS % 2][i] && wrong++ == 0)
            first = i;
    free(sh);
    if (wrong)
        racelab_fail("after %d generations on %d threads, %d of %d cells differ from the "
                     "one-thread result (the first: cell %d)",
                     GENERATIONS, n, wrong, CELLS, first);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rounds_pass_at_once_for_a_group_of_one),
        cmocka_unit_test(rounds_stay_in_step),
        cmocka_unit_test(leader_one_per_round),
        cmocka_unit_test(simulation_matches_one_thread),
    };
    return cmocka_run_group_tests_name("barrier", tests, NULL, NULL);
}
