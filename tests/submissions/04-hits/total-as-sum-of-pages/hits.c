/*
 * What the student tried: the reference solution with one subtle bug left
 * in. To save an atomic operation per hit, the student dropped the separate
 * total and has hits_total() add up the pages' counters. That is race-free
 * and lock-free, but wrong: hits_take() resets a page's counter, and hits.h
 * says taking must not lower the total. Any test that takes and then reads
 * the total sees hits vanish, even with a single thread.
 */
#include "hits.h"

#include <stdatomic.h>
#include <stdlib.h>

struct hits {
    int npages;         /* pages 0 .. npages - 1; never changes */
    atomic_long *count; /* count[page]: hits since creation or since the last take */
};

struct hits *hits_create(int npages)
{
    struct hits *h = malloc(sizeof *h);
    if (!h)
        return NULL;
    h->count = malloc((size_t)npages * sizeof *h->count);
    if (!h->count) {
        free(h);
        return NULL;
    }
    for (int page = 0; page < npages; page++)
        atomic_init(&h->count[page], 0);
    h->npages = npages;
    return h;
}

void hits_destroy(struct hits *h)
{
    free(h->count);
    free(h);
}

void hits_record(struct hits *h, int page)
{
    atomic_fetch_add_explicit(&h->count[page], 1, memory_order_relaxed);
}

long hits_page(struct hits *h, int page)
{
    return atomic_load_explicit(&h->count[page], memory_order_relaxed);
}

long hits_total(struct hits *h)
{
    long total = 0; /* the total is just the pages' counts added up */
    for (int page = 0; page < h->npages; page++)
        total += atomic_load_explicit(&h->count[page], memory_order_relaxed);
    return total;
}

long hits_take(struct hits *h, int page)
{
    return atomic_exchange_explicit(&h->count[page], 0, memory_order_relaxed);
}
