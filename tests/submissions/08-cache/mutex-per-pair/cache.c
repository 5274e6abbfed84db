/*
 * What the student tried: Lab 01's fix, a plain mutex per pair instead of a
 * read-write lock. Every copy and every visit holds the pair's mutex, so no
 * quote is ever torn and there is no race, but readers now shut out other
 * readers: a screen in cache_visit keeps every other screen of that pair
 * waiting, which cache.h forbids ("readers never wait for other readers").
 */
#include "cache.h"

#include <pthread.h>
#include <stdlib.h>

struct slot {
    pthread_mutex_t lock;  /* guards quote: one thread at a time, reader or writer */
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
        if (pthread_mutex_init(&c->slots[c->npairs].lock, NULL) != 0)
            goto fail;
    return c;

fail:
    cache_destroy(c);
    return NULL;
}

void cache_destroy(struct cache *c)
{
    for (int i = 0; i < c->npairs; i++)
        pthread_mutex_destroy(&c->slots[i].lock);
    free(c->slots);
    free(c);
}

void cache_put(struct cache *c, int pair, const struct quote *q)
{
    struct slot *s = &c->slots[pair];
    pthread_mutex_lock(&s->lock);
    s->quote = *q;
    pthread_mutex_unlock(&s->lock);
}

void cache_get(struct cache *c, int pair, struct quote *out)
{
    struct slot *s = &c->slots[pair];
    pthread_mutex_lock(&s->lock);
    *out = s->quote;
    pthread_mutex_unlock(&s->lock);
}

void cache_visit(struct cache *c, int pair, cache_visit_fn *visit, void *arg)
{
    struct slot *s = &c->slots[pair];
    pthread_mutex_lock(&s->lock); /* held until visit returns: the quote stays put */
    visit(&s->quote, arg);
    pthread_mutex_unlock(&s->lock);
}
