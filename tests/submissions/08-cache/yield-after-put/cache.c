/*
 * What the student tried: the reference solution plus a sched_yield() after
 * every cache_put, "so that the screens get to show each new quote before
 * the feed overwrites it". It changes no result (every access is still
 * under the pair's read-write lock), but the lab forbids yielding and
 * sleeping in cache.c, so exactly the mechanism check is lost.
 */
#include "cache.h"

#include <pthread.h>
#include <sched.h>
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
    sched_yield(); /* let the waiting screens show the new quote before the next update */
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
