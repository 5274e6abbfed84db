/*
 * cache.c - the exchange's quote cache (this is the file you change).
 *
 * One slot per currency pair, in an array. The previous maintainer knew that
 * two writers must not copy into the same slot at once, so cache_put() takes
 * a mutex. Readers, though, "never change anything", so to keep the teller
 * screens fast they read the slots without any lock. Since then the screens
 * sometimes show a quote that never existed: a bid from one update beside an
 * ask from another, even a bid above the ask.
 *
 * Your job: make every reader see whole quotes, while many readers still
 * read at the same time (see cache.h). You may change anything in this file:
 * struct cache, helpers, function bodies. cache.h and the tests stay as they
 * are.
 */
#include "cache.h"

#include <pthread.h>
#include <stdlib.h>

struct cache {
    pthread_mutex_t write_lock; /* taken by writers, so two puts never mix; readers skip it */
    int npairs;                 /* slots in quotes; fixed after create */
    struct quote *quotes;       /* quotes[pair]: the latest quote of each pair */
};

struct cache *cache_create(int npairs)
{
    struct cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->quotes = calloc((size_t)npairs, sizeof *c->quotes);
    if (!c->quotes) {
        free(c);
        return NULL;
    }
    pthread_mutex_init(&c->write_lock, NULL);
    c->npairs = npairs;
    return c;
}

void cache_destroy(struct cache *c)
{
    pthread_mutex_destroy(&c->write_lock);
    free(c->quotes);
    free(c);
}

void cache_put(struct cache *c, int pair, const struct quote *q)
{
    struct quote *slot = &c->quotes[pair];

    pthread_mutex_lock(&c->write_lock);
    slot->serial = q->serial;
    for (int i = 0; i < QUOTE_DEPTH; i++) { /* level by level, as the feed sends them */
        slot->bid[i] = q->bid[i];
        slot->ask[i] = q->ask[i];
    }
    pthread_mutex_unlock(&c->write_lock);
}

void cache_get(struct cache *c, int pair, struct quote *out)
{
    *out = c->quotes[pair]; /* a reader: no lock, "it only reads" */
}

void cache_visit(struct cache *c, int pair, cache_visit_fn *visit, void *arg)
{
    visit(&c->quotes[pair], arg); /* a reader: no lock, "it only reads" */
}
