/*
 * hits.c - the web server's page-hit counters (this is the file you change).
 *
 * One counter per page and one running total. The server used to handle one
 * request at a time; now a pool of worker threads records hits on the same
 * counters at once, and the statistics never add up: a page served 40,000
 * times shows 23,000 hits. Your job: make every function below safe to call
 * from many threads at once, without a lock, using C11 atomics.
 *
 * You may change anything in this file: the types of the fields, helper
 * functions, the function bodies. Keep the functions declared in hits.h with
 * their behaviour as documented there; hits.h and the tests stay as they are.
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
    h->count[page]++; /* read the count, add one, write it back */
    h->total++;
}

long hits_page(struct hits *h, int page)
{
    return h->count[page];
}

long hits_total(struct hits *h)
{
    return h->total;
}

long hits_take(struct hits *h, int page)
{
    long n = h->count[page]; /* what the log rotator writes to the access log */
    h->count[page] = 0;      /* start counting afresh */
    return n;
}
