/*
 * test_barrier_hidden.c - hidden tests for 11-barrier (instructor only, never handed out).
 *
 * Beyond the visible tests: threads with uneven amounts of work per round,
 * three times as many threads as the trial's count, one group alternating
 * between two barriers, many short-lived barriers, and a heat simulation
 * whose round leader adds up the heat after every generation. Test names
 * share the visible tests' prefixes (rounds_, leader_, simulation_) so
 * lab.ini globs them into the same checks. The shared state is relaxed
 * atomics, as in the visible tests, and a failed barrier is handled the
 * same way: stop waiting after a grace, report, leave stuck threads behind.
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

#define ROUNDS 200
#define CELLS 192
#define GENERATIONS 120
#define MAX_THREADS 64
#define GRACE_MS 200

#define relaxed memory_order_relaxed

struct worker {
    pthread_t thread;
    struct shared *sh;
    int index;
    unsigned seed;
    atomic_bool done;
    atomic_long out_of_step;
    atomic_long bad_round, bad_other, bad_saw;
};

struct shared {
    struct barrier *b[2]; /* b[1]: only in the two-barrier test */
    int n;
    int busy; /* uneven-work test: most busy-work steps per round */
    atomic_long round[MAX_THREADS];
    atomic_bool broken;
    atomic_int finished;
    atomic_int leaders[ROUNDS];
    atomic_long heat[2][CELLS];     /* heat simulation */
    atomic_long total[GENERATIONS]; /* the leader's sum after each generation */
    struct worker workers[MAX_THREADS];
};

static void begin_round(struct worker *w, long r)
{
    atomic_store_explicit(&w->sh->round[w->index], r, relaxed);
}

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

/* Busy work that the compiler can't remove: up to sh->busy hash steps. */
static unsigned long busy_work(struct worker *w)
{
    unsigned long h = (unsigned long)w->index;
    int steps = w->sh->busy ? rand_r(&w->seed) % w->sh->busy : 0;
    for (int i = 0; i < steps; i++)
        h = h * 6364136223846793005ul + 1442695040888963407ul;
    return h;
}

static void *keep_in_step(void *arg)
{
    struct worker *w = arg;
    struct shared *sh = w->sh;
    volatile unsigned long sink = 0;
    for (long r = 0; r < ROUNDS; r++) {
        begin_round(w, r);
        sink += busy_work(w);
        struct barrier *b = sh->b[1] ? sh->b[r % 2] : sh->b[0];
        if (barrier_wait(b))
            atomic_fetch_add_explicit(&sh->leaders[r], 1, relaxed);
        check_round(w, r);
    }
    (void)sink;
    return finish(w);
}

/* 1-D heat: each cell becomes the average of itself and its neighbours (in
 * integer units, so the result is exact); the leader records the total. */
static long diffuse(long left, long self, long right)
{
    return (left + 2 * self + right) / 4;
}

static void *simulate_heat(void *arg)
{
    struct worker *w = arg;
    struct shared *sh = w->sh;
    int from = w->index * CELLS / sh->n, to = (w->index + 1) * CELLS / sh->n;
    for (long g = 0; g < GENERATIONS; g++) {
        begin_round(w, g);
        atomic_long *now = sh->heat[g % 2], *next = sh->heat[(g + 1) % 2];
        for (int i = from; i < to; i++)
            atomic_store_explicit(
                &next[i],
                diffuse(atomic_load_explicit(&now[(i + CELLS - 1) % CELLS], relaxed),
                        atomic_load_explicit(&now[i], relaxed),
                        atomic_load_explicit(&now[(i + 1) % CELLS], relaxed)),
                relaxed);
        if (barrier_wait(sh->b[0])) { /* generation g + 1 is complete: add it up */
            long sum = 0;
            for (int i = 0; i < CELLS; i++)
                sum += atomic_load_explicit(&next[i], relaxed);
            atomic_store_explicit(&sh->total[g], sum, relaxed);
        }
        check_round(w, g);
    }
    return finish(w);
}

static void sleep_ms(long ms)
{
    nanosleep(&(struct timespec){.tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000}, NULL);
}

/* As in the visible tests: run, wait (with a grace once a failure is seen),
 * report what the workers saw; on failure sh and the barriers are leaked. */
static void run_group(struct shared *sh, int n, int nbarriers, void *(*fn)(void *))
{
    struct worker *workers = sh->workers;
    unsigned seed = racelab_seed(1);
    sh->n = n;
    for (int k = 0; k < nbarriers; k++) {
        sh->b[k] = barrier_create(n);
        assert_non_null(sh->b[k]);
    }
    for (int i = 0; i < n; i++) {
        workers[i].sh = sh;
        workers[i].index = i;
        workers[i].seed = seed * 97u + (unsigned)i;
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
        racelab_fail("%d threads: %ld sightings of a thread in the wrong round; thread %d after "
                     "round %ld's barrier saw thread %ld in round %ld. %d thread(s) were left "
                     "waiting in barrier_wait",
                     n, bad, first->index, r, atomic_load(&first->bad_other),
                     atomic_load(&first->bad_saw), stuck);
    }
    for (int k = 0; k < nbarriers; k++)
        barrier_destroy(sh->b[k]);
}

static struct shared *new_shared(void)
{
    struct shared *sh = calloc(1, sizeof *sh);
    assert_non_null(sh);
    return sh;
}

static void check_leaders(struct shared *sh, int n)
{
    for (int r = 0; r < ROUNDS; r++) {
        int count = atomic_load(&sh->leaders[r]);
        if (count != 1)
            racelab_fail("%d threads: round %d had %d leaders", n, r, count);
    }
}

static void rounds_stay_in_step_with_uneven_work(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    struct shared *sh = new_shared();
    sh->busy = 4000;
    run_group(sh, n, 1, keep_in_step);
    free(sh);
}

static void rounds_stay_in_step_with_three_times_the_threads(void **state)
{
    (void)state;
    int n = 3 * racelab_threads(4);
    struct shared *sh = new_shared();
    run_group(sh, n, 1, keep_in_step);
    free(sh);
}

/* One group alternating between two barriers: they must not share state. */
static void rounds_stay_in_step_on_two_barriers(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    struct shared *sh = new_shared();
    run_group(sh, n, 2, keep_in_step);
    free(sh);
}

/* Many barriers, each for a short life: creating and destroying is clean. */
static void rounds_on_many_short_lived_barriers(void **state)
{
    (void)state;
    for (int k = 0; k < 30; k++) {
        struct shared *sh = new_shared();
        run_group(sh, 2 + k % 3, 1, keep_in_step);
        check_leaders(sh, 2 + k % 3);
        free(sh);
    }
}

static void leader_one_per_round_with_uneven_work(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    struct shared *sh = new_shared();
    sh->busy = 2000;
    run_group(sh, n, 1, keep_in_step);
    check_leaders(sh, n);
    free(sh);
}

static void simulation_of_heat_matches_one_thread(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    unsigned seed = racelab_seed(1) + 12345u;
    long want[2][CELLS], want_total[GENERATIONS];
    struct shared *sh = new_shared();
    for (int i = 0; i < CELLS; i++) {
        want[0][i] = rand_r(&seed) % 100000;
        atomic_init(&sh->heat[0][i], want[0][i]);
    }
    for (int g = 0; g < GENERATIONS; g++) {
        long sum = 0;
        for (int i = 0; i < CELLS; i++) {
            want[(g + 1) % 2][i] = diffuse(want[g % 2][(i + CELLS - 1) % CELLS], want[g % 2][i],
                                           want[g % 2][(i + 1) % CELLS]);
            sum += want[(g + 1) % 2][i];
        }
        want_total[g] = sum;
    }
    run_group(sh, n, 1, simulate_heat);
    for (int g = 0; g < GENERATIONS; g++)
        if (atomic_load(&sh->total[g]) != want_total[g])
            racelab_fail("%d threads: the leader of generation %d added up %ld units of heat, "
                         "one thread computes %ld",
                         n, g + 1, atomic_load(&sh->total[g]), want_total[g]);
    for (int i = 0; i < CELLS; i++)
        if (atomic_load(&sh->heat[GENERATIONS % 2][i]) != want[GENERATIONS % 2][i])
            racelab_fail("%d threads: cell %d holds %ld after %d generations, one thread "
                         "computes %ld",
                         n, i, atomic_load(&sh->heat[GENERATIONS % 2][i]), GENERATIONS,
                         want[GENERATIONS % 2][i]);
    free(sh);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rounds_stay_in_step_with_uneven_work),
        cmocka_unit_test(rounds_stay_in_step_with_three_times_the_threads),
        cmocka_unit_test(rounds_stay_in_step_on_two_barriers),
        cmocka_unit_test(rounds_on_many_short_lived_barriers),
        cmocka_unit_test(leader_one_per_round_with_uneven_work),
        cmocka_unit_test(simulation_of_heat_matches_one_thread),
    };
    return cmocka_run_group_tests_name("barrier_hidden", tests, NULL, NULL);
}
