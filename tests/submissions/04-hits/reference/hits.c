/*
 * What the student tried: nothing clever. This is the reference solution
 * (solutions/04-hits/hits.c), graded as a submission: every counter an
 * atomic_long, hits recorded with atomic_fetch_add, taken with
 * atomic_exchange, read with atomic_load.
 */
#include "hits.h"

#include <stdatomic.h>
#include <stdlib.h>

struct hits {
    int npages;         /* pages 0 .. npages - 1; never changes */
    atomic_long *count; /* count[page]: hits since creation or since the last take */
    atomic_long total;  /* hits on every page since creation */
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
    atomic_init(&h->total, 0);
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
    atomic_fetch_add_explicit(&h->total, 1, memory_order_relaxed);
}

long hits_page(struct hits *h, int page)
{
    return atomic_load_explicit(&h->count[page], memory_order_relaxed);
}

long hits_total(struct hits *h)
{
    return atomic_load_explicit(&h->total, memory_order_relaxed);
}

long hits_take(struct hits *h, int page)
{
    return atomic_exchange_explicit(&h->count[page], 0, memory_order_relaxed);
}
