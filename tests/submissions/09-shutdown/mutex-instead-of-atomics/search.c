/*
 * What the student tried: Lab 01's mutex instead of atomics. One mutex
 * guards the stop flag and the counter; a worker takes it to read the flag
 * and again to count each nonce. Correct and race-free (and every worker
 * stops), just slow, but this lab asks for C11 atomics, and its mechanism
 * check sees none.
 */
#include "search.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct worker {
    pthread_t thread;
    struct search *s;
    int index;                   /* this is worker `index` of s->nworkers */
    struct search_worker result; /* written by this worker only; read after join */
};

struct search {
    int nworkers;         /* fixed before the workers start */
    pthread_mutex_t lock; /* guards stop and tested */
    bool stop;            /* set by search_stop(); polled by the workers */
    long tested;          /* nonces tested so far, all workers together */
    struct worker workers[SEARCH_MAX_WORKERS];
};

/* One worker's life: test nonces index, index + nworkers, ... until told to stop. */
static void *work(void *arg)
{
    struct worker *w = arg;
    struct search *s = w->s;
    unsigned long nonce = (unsigned long)w->index;

    w->result = (struct search_worker){.last_golden = -1};
    for (;;) {
        pthread_mutex_lock(&s->lock);
        bool stop = s->stop;
        pthread_mutex_unlock(&s->lock);
        if (stop)
            break;
        if (search_is_golden(nonce)) {
            w->result.golden++;
            w->result.last_golden = (long)nonce;
        }
        w->result.tested++;
        pthread_mutex_lock(&s->lock);
        s->tested++;
        pthread_mutex_unlock(&s->lock);
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
    pthread_mutex_init(&s->lock, NULL);
    for (int i = 0; i < nworkers; i++) {
        s->workers[i] = (struct worker){.s = s, .index = i};
        if (pthread_create(&s->workers[i].thread, NULL, work, &s->workers[i]) != 0) {
            pthread_mutex_lock(&s->lock);
            s->stop = true;
            pthread_mutex_unlock(&s->lock);
            while (i-- > 0)
                pthread_join(s->workers[i].thread, NULL);
            pthread_mutex_destroy(&s->lock);
            free(s);
            return NULL;
        }
    }
    return s;
}

long search_progress(struct search *s)
{
    pthread_mutex_lock(&s->lock);
    long tested = s->tested;
    pthread_mutex_unlock(&s->lock);
    return tested;
}

long search_stop(struct search *s, struct search_worker *report)
{
    pthread_mutex_lock(&s->lock);
    s->stop = true;
    pthread_mutex_unlock(&s->lock);
    for (int i = 0; i < s->nworkers; i++) {
        pthread_join(s->workers[i].thread, NULL);
        if (report)
            report[i] = s->workers[i].result;
    }
    long tested = s->tested; /* every worker has been joined: nobody else touches it */
    pthread_mutex_destroy(&s->lock);
    free(s);
    return tested;
}
