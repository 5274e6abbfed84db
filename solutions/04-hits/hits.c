/*
 * hits.c - reference solution for 04-hits (instructor only).
 *
 * Each counter is an atomic_long, and every access to it is one atomic
 * operation, so no lock is needed:
 *   - hits_record() uses atomic_fetch_add, a read-modify-write that the
 *     processor performs as one indivisible step (a "lock add" on x86), so
 *     two threads can never add to the same old value;
 *   - hits_take() uses atomic_exchange, which reads the old count and stores
 *     zero in the same indivisible step, so a hit recorded in between cannot
 *     slip through the gap a separate load and store would leave;
 *   - the readers use atomic_load, so they are ordered with the writers and
 *     never see a torn or stale-forever value.
 *
 * memory_order_relaxed is enough everywhere: each counter stands alone, and
 * no thread uses a counter's value to decide whether some other data is ready
 * to read. Atomicity of each single operation is all the API promises. (The
 * plain atomic_fetch_add etc. default to memory_order_seq_cst, which is also
 * correct, just a little stronger than needed.)
 *
 * The pages' counters and the total are updated by two separate atomic
 * operations, so a reader may see a hit in one before the other. hits.h
 * promises nothing across counters, and a lock that made them agree would
 * cost every request more than the statistics page could ever gain.
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
