/*
 * What the student tried: a different, correct hits_take(). Instead of
 * atomic_exchange, it loads the count and then subtracts exactly what it
 * loaded with atomic_fetch_sub. A hit recorded between the two steps is not
 * wiped out (unlike storing 0): it stays in the counter for the next take.
 * Every hit is still counted exactly once, so this earns full marks.
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
    /* take what is there now; hits recorded meanwhile stay for the next take */
    long n = atomic_load_explicit(&h->count[page], memory_order_relaxed);
    atomic_fetch_sub_explicit(&h->count[page], n, memory_order_relaxed);
    return n;
}
