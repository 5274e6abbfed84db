/*
 * search.h - the golden-nonce miner (fixed: do not change this file).
 *
 * search_start() starts nworkers threads that test candidate numbers
 * (nonces) for being golden, as search_is_golden() defines, until
 * search_stop() tells them to finish. Worker i tests i, i + nworkers,
 * i + 2 * nworkers, ... in that order, so the workers never test the same
 * nonce twice and together leave no gaps.
 *
 * While the search runs, any thread may ask search_progress() how many
 * nonces have been tested so far. search_stop() asks every worker to stop,
 * waits until all of them have, reports what each one did, and frees the
 * search. A worker stops within one nonce of being asked: it finishes the
 * nonce in hand and tests no more.
 *
 * Ownership: search_start() returns a search owned by the caller, which
 * search_stop() consumes; the caller must not use it afterwards. One
 * search's functions may be called from any threads, but search_stop()
 * only once.
 */
#ifndef SEARCH_H
#define SEARCH_H

#include <stdbool.h>

#define SEARCH_MAX_WORKERS 64
#define SEARCH_GOLDEN_BITS 10 /* about one nonce in 2^10 is golden */

/* True if nonce is golden: the top SEARCH_GOLDEN_BITS bits of its hash
 * (splitmix64, a fast well-mixed 64-bit hash) are all zero. */
static inline bool search_is_golden(unsigned long nonce)
{
    unsigned long z = nonce + 0x9E3779B97F4A7C15ul;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ul;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBul;
    z ^= z >> 31;
    return z >> (64 - SEARCH_GOLDEN_BITS) == 0;
}

/* What one worker did, as search_stop() reports it. */
struct search_worker {
    long tested;      /* nonces tested: the first `tested` of i, i + nworkers, ... */
    long golden;      /* how many of those were golden */
    long last_golden; /* the largest golden nonce it found; -1 if none */
};

struct search;

/* Starts nworkers (1 .. SEARCH_MAX_WORKERS) worker threads searching from
 * nonce 0. Returns NULL (and starts nothing) if the threads can't be made. */
struct search *search_start(int nworkers);

/* The number of nonces tested so far, by all workers together. Callable
 * from any thread while the search runs; it never goes down. */
long search_progress(struct search *s);

/* Tells every worker to stop, waits until all of them have stopped, and
 * fills report[i] (when report is not NULL) with what worker i did. Returns
 * the progress count as it stands once the workers have stopped, which
 * equals the sum of report[i].tested. Frees s. */
long search_stop(struct search *s, struct search_worker *report);

#endif
