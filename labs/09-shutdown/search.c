/*
 * search.c - the golden-nonce miner (this is the file you change).
 *
 * Each worker thread loops: test a nonce, count it, move on to the next,
 * until the `stop` flag says to finish. search_stop() sets the flag and
 * joins the workers. All workers add to one progress counter, `tested`,
 * which search_progress() reads while they run.
 *
 * In the lab (built with ThreadSanitizer) the workers do stop. Built for
 * production with `-O2`, they often don't: the operator presses stop and the
 * miner keeps running until it is killed. And the progress count ends up
 * lower than the work the workers report.
 *
 * Your job: make stopping and counting correct and prompt, with C11 atomics
 * (see README.md). You may change anything in this file: the structs,
 * helpers, function bodies. search.h and the tests stay as they are.
 */
#include "search.h"

#include <pthread.h>
#include <stdlib.h>

struct worker {
    pthread_t thread;
    struct search *s;
    int index;                   /* this is worker `index` of s->nworkers */
    struct search_worker result; /* this worker's own tally */
};

struct search {
    int nworkers;
    bool stop;   /* set by search_stop(): time to go home */
    long tested; /* nonces tested so far, all workers together */
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
        s->tested++;
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
    for (int i = 0; i < nworkers; i++) {
        s->workers[i] = (struct worker){.s = s, .index = i};
        if (pthread_create(&s->workers[i].thread, NULL, work, &s->workers[i]) != 0) {
            s->stop = true; /* undo: stop and join the workers already started */
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
    return s->tested;
}

long search_stop(struct search *s, struct search_worker *report)
{
    s->stop = true;
    for (int i = 0; i < s->nworkers; i++) {
        pthread_join(s->workers[i].thread, NULL);
        if (report)
            report[i] = s->workers[i].result;
    }
    long tested = s->tested;
    free(s);
    return tested;
}
