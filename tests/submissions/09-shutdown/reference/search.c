/*
 * What the student tried: nothing clever. This is the reference solution
 * (solutions/09-shutdown/search.c), graded as a submission: an atomic_bool
 * stop flag (release store, acquire loads) and an atomic_long counter.
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
