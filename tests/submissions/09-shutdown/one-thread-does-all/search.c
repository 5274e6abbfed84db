/*
 * What the student tried: removing the concurrency. search_start() starts a
 * single thread that plays every worker in turn (nonce j of worker 0, of
 * worker 1, ..., then nonce j + 1 of each), with the lab's atomic flag and
 * counter. Each report is still exactly what worker i would have tested,
 * and the flag and counter are right, but the workers never run in
 * parallel: at most one thread of search.c is ever alive.
 */
#include "search.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

struct worker {
    struct search *s;
    int index;                   /* this is worker `index` of s->nworkers */
    struct search_worker result; /* written by the one thread only; read after join */
};

struct search {
    int nworkers;       /* fixed before the workers start */
    atomic_bool stop;   /* set (release) by search_stop(); polled (acquire) by the workers */
    atomic_long tested; /* nonces tested so far, all workers together (relaxed adds) */
    pthread_t thread;   /* the one thread that does every worker's share */
    struct worker workers[SEARCH_MAX_WORKERS];
};

/* Every worker's share, in turns: nonce j of worker 0, of worker 1, ...,
 * then nonce j + 1 of each, until told to stop. */
static void *work(void *arg)
{
    struct search *s = arg;
    for (int i = 0; i < s->nworkers; i++)
        s->workers[i].result = (struct search_worker){.last_golden = -1};
    for (unsigned long base = 0;; base += (unsigned long)s->nworkers)
        for (int i = 0; i < s->nworkers; i++) {
            if (atomic_load_explicit(&s->stop, memory_order_acquire))
                return NULL;
            struct worker *w = &s->workers[i];
            unsigned long nonce = base + (unsigned long)i;
            if (search_is_golden(nonce)) {
                w->result.golden++;
                w->result.last_golden = (long)nonce;
            }
            w->result.tested++;
            atomic_fetch_add_explicit(&s->tested, 1, memory_order_relaxed);
        }
}

struct search *search_start(int nworkers)
{
    struct search *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->nworkers = nworkers;
    atomic_init(&s->stop, false);
    atomic_init(&s->tested, 0);
    for (int i = 0; i < nworkers; i++)
        s->workers[i] = (struct worker){.s = s, .index = i};
    if (pthread_create(&s->thread, NULL, work, s) != 0) { /* one thread is plenty */
        free(s);
        return NULL;
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
    pthread_join(s->thread, NULL);
    for (int i = 0; i < s->nworkers; i++)
        if (report)
            report[i] = s->workers[i].result;
    long tested = atomic_load_explicit(&s->tested, memory_order_relaxed);
    free(s);
    return tested;
}
