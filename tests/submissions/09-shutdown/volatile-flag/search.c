/*
 * What the student tried: volatile for the stop flag. The counter is an
 * atomic_long as the lab asks, but the flag is a volatile bool: volatile
 * does make every worker re-read it, so the workers do stop, but a plain
 * write racing with plain reads is still a data race in C (volatile orders
 * nothing between threads), and ThreadSanitizer reports it in every run.
 */
#include "search.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

struct worker {
    pthread_t thread;
    struct search *s;
    int index;                   /* this is worker `index` of s->nworkers */
    struct search_worker result; /* written by this worker only; read after join */
};

struct search {
    int nworkers;       /* fixed before the workers start */
    volatile bool stop; /* set by search_stop(); volatile: the workers always re-read it */
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
    while (!s->stop) {
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
    s->stop = false;
    atomic_init(&s->tested, 0);
    for (int i = 0; i < nworkers; i++) {
        s->workers[i] = (struct worker){.s = s, .index = i};
        if (pthread_create(&s->workers[i].thread, NULL, work, &s->workers[i]) != 0) {
            s->stop = true;
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
    s->stop = true;
    for (int i = 0; i < s->nworkers; i++) {
        pthread_join(s->workers[i].thread, NULL);
        if (report)
            report[i] = s->workers[i].result;
    }
    long tested = atomic_load_explicit(&s->tested, memory_order_relaxed);
    free(s);
    return tested;
}
