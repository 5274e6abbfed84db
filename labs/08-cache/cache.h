/*
 * cache.h - the exchange's quote cache (fixed: do not change this file).
 *
 * The cache holds the latest quote for each of npairs currency pairs,
 * numbered 0 .. npairs - 1. One feed thread (sometimes a few) writes new
 * quotes with cache_put(); many teller-screen threads read them with
 * cache_get() and cache_visit(), far more often than quotes change. Every
 * function may be called from any number of threads at once.
 *
 * What a reader gets is always one whole quote: every field comes from the
 * same cache_put(), never some fields of one update and some of another.
 * Readers never wait for other readers, of the same pair or of different
 * pairs: only writers make readers wait.
 *
 * Ownership: cache_create() returns a cache owned by the caller, released
 * with cache_destroy() once no thread uses it. cache_put() and cache_get()
 * copy quotes in and out; the cache keeps no pointers of yours.
 */
#ifndef CACHE_H
#define CACHE_H

#define QUOTE_DEPTH 8 /* price levels on each side of a quote */

/* One currency pair's prices, in ten-thousandths of the quoted currency. */
struct quote {
    long serial;           /* the feed's update number for this pair; 0 before the first */
    long bid[QUOTE_DEPTH]; /* what buyers offer, best (highest) first */
    long ask[QUOTE_DEPTH]; /* what sellers ask, best (lowest) first */
};

struct cache;

/* A cache for npairs (>= 1) pairs, every quote all zeros; NULL when out of memory. */
struct cache *cache_create(int npairs);

/* Releases the cache. No thread may be using it, or use it afterwards. */
void cache_destroy(struct cache *c);

/* Replaces the quote of pair with a copy of *q. Waits while readers are
 * reading that pair; readers that come later see the new quote. */
void cache_put(struct cache *c, int pair, const struct quote *q);

/* Copies the current quote of pair into *out. */
void cache_get(struct cache *c, int pair, struct quote *out);

/* Calls visit(q, arg) once and returns after it returns. q points at the
 * pair's quote inside the cache itself (not a copy: big screens render
 * straight from it), and that quote does not change while visit runs:
 * cache_put() of the pair waits until visit has returned. Other readers,
 * cache_get() and cache_visit() of any pair, run at the same time as visit.
 * visit must not call any cache function. */
typedef void cache_visit_fn(const struct quote *q, void *arg);
void cache_visit(struct cache *c, int pair, cache_visit_fn *visit, void *arg);

#endif
