/*
 * What the student tried: one big lock, Lab 01's fix, instead of atomics.
 * A single mutex guards all the counters and every function holds it, so
 * nothing is lost and nothing races, but 04-hits is the lab about doing it
 * without a lock: its mechanism check forbids mutexes and asks for atomics.
 */
#include "hits.h"

#include <pthread.h>
#include <stdlib.h>

struct hits {
    pthread_mutex_t lock; /* guards count[] and total */
    int npages;  /* pages 0 .. npages - 1 */
    long *count; /* count[page]: hits since creation or since the last take */
    long total;  /* hits on every page since creation */
};

struct hits *hits_create(int npages)
{
    struct hits *h = malloc(sizeof *h);
    if (!h)
        return NULL;
    h->count = calloc((size_t)npages, sizeof *h->count);
    if (!h->count) {
        free(h);
        return NULL;
    }
    pthread_mutex_init(&h->lock, NULL);
    h->npages = npages;
    h->total = 0;
    return h;
}

void hits_destroy(struct hits *h)
{
    pthread_mutex_destroy(&h->lock);
    free(h->count);
    free(h);
}

void hits_record(struct hits *h, int page)
{
    pthread_mutex_lock(&h->lock);
    h->count[page]++;
    h->total++;
    pthread_mutex_unlock(&h->lock);
}

long hits_page(struct hits *h, int page)
{
    pthread_mutex_lock(&h->lock);
    long n = h->count[page];
    pthread_mutex_unlock(&h->lock);
    return n;
}

long hits_total(struct hits *h)
{
    pthread_mutex_lock(&h->lock);
    long n = h->total;
    pthread_mutex_unlock(&h->lock);
    return n;
}

long hits_take(struct hits *h, int page)
{
    pthread_mutex_lock(&h->lock);
    long n = h->count[page];
    h->count[page] = 0;
    pthread_mutex_unlock(&h->lock);
    return n;
}
