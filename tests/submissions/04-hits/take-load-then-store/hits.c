/*
 * What the student tried: the reference solution with one subtle bug left
 * in, a check-then-act made of two atomic steps. hits_take() reads the count
 * with atomic_load and then resets it with atomic_store. Each step is atomic
 * and there is no data race, but the pair is not: a hit recorded between the
 * load and the store is wiped out by the store and never reaches the log.
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
    long n = atomic_load_explicit(&h->count[page], memory_order_relaxed); /* read... */
    atomic_store_explicit(&h->count[page], 0, memory_order_relaxed);          /* ...reset */
    return n;
}
