/*
 * What the student tried: the reference solution with one subtle bug left
 * in, from a good habit: "never call someone else's code while holding a
 * lock". cache_visit() copies the quote under the read lock and calls visit
 * on the copy, after unlocking. The copy is whole and nothing races, but
 * cache.h says visit gets the quote inside the cache, not a copy (that is
 * what makes a visit cheap for big quotes), held still until visit
 * returns; the single-threaded test already checks the pointer.
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
    struct quote copy;
    pthread_rwlock_rdlock(&s->lock); /* copy the quote under the lock ... */
    copy = s->quote;
    pthread_rwlock_unlock(&s->lock);
    visit(&copy, arg); /* ... and never call foreign code while holding a lock */
}
