/*
 * tally.h - the election-night vote tally (fixed: do not change this file).
 *
 * Ballots are counted by several counting processes at once, forked by
 * tally_count(). Every process adds the votes it reads to one tally that
 * lives in memory shared by all of them and by the parent, so that the
 * parent can read the result once they are done, and anyone can read the
 * running totals meanwhile.
 *
 * Candidates are numbered 0 .. TALLY_CANDIDATES - 1. A tally holds one
 * count per candidate and the total of all votes, which always equals the
 * sum of the candidates' counts.
 *
 * Ownership: tally_create() returns a tally owned by the caller, released
 * with tally_destroy() once no process uses it. The tally may be used by the
 * process that created it and by every process forked from it afterwards;
 * all of its functions are safe to call from any of those processes at the
 * same time. tally_count() leaves no trace in the calling process: no child
 * process, running or zombie.
 */
#ifndef TALLY_H
#define TALLY_H

#define TALLY_CANDIDATES 5
#define TALLY_MAX_WORKERS 32 /* largest nworkers accepted by tally_count() */

struct tally;

/* A new tally with every count at zero, in memory that processes forked
 * later share with this one; NULL (errno set) when it cannot be made. */
struct tally *tally_create(void);

/* Releases the tally. No process may be using it. */
void tally_destroy(struct tally *t);

/* Adds one vote for candidate (0 <= candidate < TALLY_CANDIDATES). */
void tally_vote(struct tally *t, int candidate);

/* Copies the counts into votes[] and the total into *total, as they were at
 * one instant: *total is always the sum of votes[]. */
void tally_read(struct tally *t, long votes[TALLY_CANDIDATES], long *total);

/* Reads ballot number `ballot` and returns the candidate it votes for.
 * Called in a counting process. Like any reader of untrusted input, it may
 * end the process that calls it (a crash): don't hold a lock while calling it. */
typedef int (*ballot_reader)(long ballot, void *arg);

/*
 * Counts ballots 0 .. ballots - 1 with nworkers counting processes forked
 * for the purpose, all running at the same time. Between them, the
 * processes call read_ballot(b, arg) exactly once for every ballot b and add
 * the vote it returns to t with tally_vote(). The call returns once every
 * counting process has finished and been waited for.
 *
 * Returns 0, or -1 with errno set: EINVAL unless ballots >= 0 and
 * 1 <= nworkers <= TALLY_MAX_WORKERS; EIO if a counting process failed; the
 * errno of a failed fork() otherwise. Every process that was started has
 * been waited for, whatever the result.
 */
int tally_count(struct tally *t, long ballots, int nworkers, ballot_reader read_ballot, void *arg);

#endif
