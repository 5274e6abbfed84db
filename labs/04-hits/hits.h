/*
 * hits.h - the web server's page-hit counters (fixed: do not change this file).
 *
 * The server counts how often each of its pages is requested. Every request
 * is handled by some worker thread, which calls hits_record() for the page it
 * served, so many threads record hits on the same counters at the same time.
 * The statistics page reads the counters (hits_page, hits_total) while hits
 * keep arriving, and once a minute the log rotator moves each page's count
 * into the access log with hits_take(), which reads a counter and resets it.
 *
 * Every function below must be safe to call from any number of threads at
 * once on the same counters, and must not lose a single hit: each recorded
 * hit is counted exactly once, either in the value some hits_take() returned
 * or in the counter that still holds it.
 *
 * Ownership: hits_create() returns counters owned by the caller, who releases
 * them with hits_destroy() once no other thread uses them. The structure is
 * opaque: its fields are defined in hits.c, which is yours.
 */
#ifndef HITS_H
#define HITS_H

struct hits;

/* Counters for pages 0 .. npages - 1 (npages >= 1), all zero. NULL when out of memory. */
struct hits *hits_create(int npages);

/* Releases the counters. No other thread may be using them, or use them afterwards. */
void hits_destroy(struct hits *h);

/* Counts one hit on page (0 <= page < npages). Never fails. */
void hits_record(struct hits *h, int page);

/* The hits on page since hits_create() or since the last hits_take() of that
 * page, at one instant between the call and its return. */
long hits_page(struct hits *h, int page);

/* Every hit ever recorded on any page since hits_create(); hits_take() does
 * not lower it. The value at one instant between the call and its return. */
long hits_total(struct hits *h);

/* Returns page's count and resets it to zero, as one indivisible step: a hit
 * recorded at the same moment is either in the returned value or left in the
 * counter for the next call, never lost and never counted twice. */
long hits_take(struct hits *h, int page);

#endif
