/*
 * search.c - reference solution for 09-shutdown (instructor only).
 *
 * Two variables are shared while the workers run, and both are C11 atomics:
 *
 * - `stop`: written once by search_stop(), read by every worker before each
 *   nonce. An atomic load can't be hoisted out of the loop or cached in a
 *   register, so the workers see the store soon after it happens. The store
 *   is a release and the loads are acquires: once a worker sees `stop`, it
 *   also sees everything search_stop() wrote before setting it. Nothing else
 *   is published with the flag today, so relaxed would also be correct here;
 *   release/acquire is the habit that stays correct when someone adds data.
 * - `tested`: every worker adds 1 per nonce with atomic_fetch_add, one
 *   indivisible read-modify-write, so no count is lost. Relaxed ordering is
 *   enough for a statistic that orders nothing else.
 *
 * Each worker keeps its own tally in its own struct, which nobody else
 * touches until pthread_join() has returned (join orders the worker's writes
 * before the joiner's reads), so the tallies need no atomics at all.
 * Nothing here sleeps or yields: a worker is always working, and
 * search_stop() waits in pthread_join.
 */
#include "search.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

struct worker {
    pthread_t thread;
    struct search *s;
    int index;                   /* this is worker `index` of s->nworkers */
    struct search_worker result; /* written by this worker only; read after join */
};

struct search {
    int nworkers;       /* fixed before the workers start */
    atomic_bool stop;   /* set (release) by search_stop(); polled (acquire) by the workers */
    atomic_long tested; /* nonces tested so far, all workers together (relaxed adds) */
    struct worker workers[SEARCH_MAX_WORKERS];
};

/* One worker's life: test nonces index, index + nworkers, ... until told to stop. */
static void *work(void *arg)
{
    struct worker *w = arg;
    struct search *s = w->s;
    unsigned long nonce = (unsigned long)w->index;

    w->result = (struct search_worker){.last_golden = -1};
    while (!atomic_load_explicit(&s->stop, memory_order_acquire)) {
        if (search_is_golden(nonce)) {
            w->result.golden++;
            w->result.last_golden = (long)nonce;
        }
        w->result.tested++;
        atomic_fetch_add_explicit(&s->tested, 1, memory_order_relaxed);
        nonce += (unsigned long)s->nworkers;
    }
    return NULL;
}

struct search *search_start(int nworkers)
{
    struct search *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->nworkers = nworkers;
    atomic_init(&s->stop, false);
    atomic_init(&s->tested, 0);
    for (int i = 0; i < nworkers; i++) {
        s->workers[i] = (struct worker){.s = s, .index = i};
        if (pthread_create(&s->workers[i].thread, NULL, work, &s->workers[i]) != 0) {
            atomic_store_explicit(&s->stop, true, memory_order_release);
            while (i-- > 0)
                pthread_join(s->workers[i].thread, NULL);
            free(s);
            return NULL;
        }
    }
    return s;
}

long search_progress(struct search *s)
{
    return atomic_load_explicit(&s->tested, memory_order_relaxed);
}

long search_stop(struct search *s, struct search_worker *report)
{
    atomic_store_explicit(&s->stop, true, memory_order_release);
    for (int i = 0; i < s->nworkers; i++) {
        pthread_join(s->workers[i].thread, NULL);
        if (report)
            report[i] = s->workers[i].result;
    }
    long tested = atomic_load_explicit(&s->tested, memory_order_relaxed);
    free(s);
    return tested;
}
