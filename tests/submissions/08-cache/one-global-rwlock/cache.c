/*
 * What the student tried: one big lock, but a read-write one. A single
 * pthread_rwlock_t guards every pair's quote, instead of one per pair. A
 * cache_put of one pair now makes readers of every pair wait, which is
 * slower, but cache.h only promises that readers never wait for readers
 * ("only writers make readers wait"), and readers still share. Correct, so
 * it earns full marks: 08-cache grades sharing, not lock granularity.
 */
#include "cache.h"

#include <pthread.h>
#include <stdlib.h>

struct slot {
    struct quote quote; /* the latest quote of this pair; guarded by the cache's lock */
};

struct cache {
    pthread_rwlock_t lock; /* guards every slot's quote: one lock for the whole cache */
    int npairs;            /* slots; fixed after create */
    struct slot *slots;    /* slots[pair] */
};

struct cache *cache_create(int npairs)
{
    struct cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->slots = calloc((size_t)npairs, sizeof *c->slots);
    if (!c->slots || pthread_rwlock_init(&c->lock, NULL) != 0) {
        free(c->slots);
        free(c);
        return NULL;
    }
    c->npairs = npairs;
    return c;
}

void cache_destroy(struct cache *c)
{
    pthread_rwlock_destroy(&c->lock);
    free(c->slots);
    free(c);
}

void cache_put(struct cache *c, int pair, const struct quote *q)
{
    struct slot *s = &c->slots[pair];
    pthread_rwlock_wrlock(&c->lock);
    s->quote = *q;
    pthread_rwlock_unlock(&c->lock);
}

void cache_get(struct cache *c, int pair, struct quote *out)
{
    struct slot *s = &c->slots[pair];
    pthread_rwlock_rdlock(&c->lock);
    *out = s->quote;
    pthread_rwlock_unlock(&c->lock);
}

void cache_visit(struct cache *c, int pair, cache_visit_fn *visit, void *arg)
{
    struct slot *s = &c->slots[pair];
    pthread_rwlock_rdlock(&c->lock); /* held until visit returns: the quote stays put */
    visit(&s->quote, arg);
    pthread_rwlock_unlock(&c->lock);
}
