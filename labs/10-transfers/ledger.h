/*
 * ledger.h - the credit union's ledger of accounts (fixed: do not change this file).
 *
 * A ledger holds naccounts accounts, numbered 0 .. naccounts - 1, each with a
 * balance in cents. Tellers on many threads move money between accounts with
 * ledger_transfer() at the same time, and the auditor adds up all balances
 * with ledger_total() while they do. Every function may be called from any
 * number of threads at once.
 *
 * A transfer is all or nothing and happens at one instant: no other call
 * ever sees the money gone from one account but not yet in the other. So
 * ledger_total() always returns the same amount, naccounts * initial_cents,
 * however many transfers are running.
 *
 * Ownership: ledger_create() returns a ledger owned by the caller, released
 * with ledger_destroy() once no thread uses it.
 */
#ifndef LEDGER_H
#define LEDGER_H

#include <stdbool.h>

struct ledger;

/* A ledger of naccounts (>= 1) accounts holding initial_cents (>= 0) each;
 * NULL when out of memory. */
struct ledger *ledger_create(int naccounts, long initial_cents);

/* Releases the ledger. No thread may be using it, or use it afterwards. */
void ledger_destroy(struct ledger *l);

/* Moves cents (> 0) from account `from` to account `to` and returns true if
 * `from` holds at least cents; otherwise changes nothing and returns false.
 * from == to is allowed: nothing moves, and the result says whether the
 * account holds at least cents. */
bool ledger_transfer(struct ledger *l, int from, int to, long cents);

/* The balance of one account at one instant. */
long ledger_balance(struct ledger *l, int account);

/* The sum of all balances at one instant: a consistent snapshot, never
 * counting money that is in the middle of a transfer. */
long ledger_total(struct ledger *l);

#endif
