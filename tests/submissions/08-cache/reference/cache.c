/*
 * What the student tried: nothing clever. This is the reference solution
 * (solutions/08-cache/cache.c), graded as a submission: a read-write lock
 * per pair, the read side held for the whole copy and the whole visit.
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
