/*
 * pool.h - the gradebook's database connection pool (fixed: do not change this file).
 *
 * The course's database server accepts at most `size` connections at once:
 * one more, and it refuses the connection and the student's submission is
 * lost. The web server runs many threads, so every thread that wants to talk
 * to the database first calls pool_acquire() and, once it is done, calls
 * pool_release(). The pool's job is to make sure that at most `size` threads
 * are between those two calls at any moment, and that every thread that
 * waits eventually gets its turn.
 *
 * A thread "holds a connection" from the return of pool_acquire() until it
 * calls pool_release(). The connection is not a particular object: the pool
 * only counts. A connection may be released by a different thread than the
 * one that acquired it (a request handed from one thread to another).
 *
 * Ownership: pool_create() returns a pool owned by the caller, released with
 * pool_destroy() once no thread uses it and every connection is released.
 * Pools are independent of each other: a thread waiting on one pool never
 * waits for another.
 */
#ifndef POOL_H
#define POOL_H

struct pool;

/* A new pool of size (>= 1) connections, all free; NULL when out of memory. */
struct pool *pool_create(int size);

/* Releases the pool. No thread may be using it or holding one of its
 * connections, or use it afterwards. */
void pool_destroy(struct pool *pool);

/* Takes one connection. While all size connections are held, waits (without
 * burning the processor) until another thread releases one. Always succeeds
 * eventually, provided every holder releases its connection. */
void pool_acquire(struct pool *pool);

/* Gives back one connection, which lets one waiting thread in. Only call it
 * for a connection that was acquired and not yet released. */
void pool_release(struct pool *pool);

#endif
