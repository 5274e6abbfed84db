/*
 * cache.c - reference solution for 08-cache (instructor only).
 *
 * One read-write lock per currency pair, declared beside the quote it
 * guards. Readers (cache_get, and cache_visit for the whole time its
 * callback runs) hold the read side, which any number of threads may hold
 * at once; cache_put holds the write side, which waits until no reader is
 * inside and keeps new ones out while it copies. So a reader never sees a
 * half-copied quote, yet readers never wait for each other.
 *
 * A plain mutex would also make every read whole, but then the readers,
 * which are nearly all the traffic, would queue up behind one another. A lock
 * per pair, rather than one for the whole cache, lets the feed update one
 * pair while screens keep reading the others.
 */
#include "cache.h"

#include <pthread.h>
#include <stdlib.h>

struct slot {
    pthread_rwlock_t lock; /* guards quote: readers share the read side, cache_put writes */
    struct quote quote;    /* the latest quote of this pair */
};

struct cache {
    int npairs;         /* slots; fixed after create */
    struct slot *slots; /* slots[pair] */
};

struct cache *cache_create(int npairs)
{
    struct cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->slots = calloc((size_t)npairs, sizeof *c->slots);
    if (!c->slots)
        goto fail;
    for (c->npairs = 0; c->npairs < npairs; c->npairs++)
        if (pthread_rwlock_init(&c->slots[c->npairs].lock, NULL) != 0)
            goto fail;
    return c;

fail:
    cache_destroy(c);
    return NULL;
}

void cache_destroy(struct cache *c)
{
    for (int i = 0; i < c->npairs; i++)
        pthread_rwlock_destroy(&c->slots[i].lock);
    free(c->slots);
    free(c);
}

void cache_put(struct cache *c, int pair, const struct quote *q)
{
    struct slot *s = &c->slots[pair];
    pthread_rwlock_wrlock(&s->lock);
    s->quote = *q;
    pthread_rwlock_unlock(&s->lock);
}

void cache_get(struct cache *c, int pair, struct quote *out)
{
    struct slot *s = &c->slots[pair];
    pthread_rwlock_rdlock(&s->lock);
    *out = s->quote;
    pthread_rwlock_unlock(&s->lock);
}

void cache_visit(struct cache *c, int pair, cache_visit_fn *visit, void *arg)
{
    struct slot *s = &c->slots[pair];
    pthread_rwlock_rdlock(&s->lock); /* held until visit returns: the quote stays put */
    visit(&s->quote, arg);
    pthread_rwlock_unlock(&s->lock);
}
