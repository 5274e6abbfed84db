/*
 * What the student tried: atomic writes, plain reads (the atomics version
 * of locking only the writes). The counters stay plain longs; every update
 * uses a GCC __sync builtin, an atomic read-modify-write, but hits_page()
 * and hits_total() read the counters directly, "because a long is read in
 * one instruction anyway". The values read are indeed whole, so the tests
 * pass, but a plain read racing with an atomic write is still a data race
 * in C, and ThreadSanitizer reports it.
 */
#include "hits.h"

#include <stdlib.h>

struct hits {
    int npages;  /* pages 0 .. npages - 1 */
    long *count; /* count[page]: hits since creation or since the last take */
    long total;  /* hits on every page since creation */
};

struct hits *hits_create(int npages)
{
    struct hits *h = malloc(sizeof *h);
    if (!h)
        return NULL;
    h->count = calloc((size_t)npages, sizeof *h->count);
    if (!h->count) {
        free(h);
        return NULL;
    }
    h->npages = npages;
    h->total = 0;
    return h;
}

void hits_destroy(struct hits *h)
{
    free(h->count);
    free(h);
}

void hits_record(struct hits *h, int page)
{
    __sync_fetch_and_add(&h->count[page], 1); /* one atomic read-add-write */
    __sync_fetch_and_add(&h->total, 1);
}

long hits_page(struct hits *h, int page)
{
    return h->count[page]; /* only a read: a long is read in one go anyway */
}

long hits_total(struct hits *h)
{
    return h->total; /* only a read: a long is read in one go anyway */
}

long hits_take(struct hits *h, int page)
{
    return __sync_fetch_and_and(&h->count[page], 0); /* read and zero in one step */
}
