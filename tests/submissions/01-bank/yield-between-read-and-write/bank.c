/*
 * What the student tried: a sched_yield()-based "fix" without a lock. The
 * student read that deposits are lost when two tellers overwrite each
 * other's update, and decided to let the other tellers finish first: read
 * the balance, sched_yield() so that any teller in the middle of its update
 * can write it back, then write ours. The yield sits exactly between the
 * read and the write, so it widens the race instead of closing it: whoever
 * runs during the yield reads the same old balance, and one of the two
 * deposits is lost, in every run with more than one thread.
 */
#include "bank.h"

#include <sched.h>
#include <stdlib.h>

struct account {
    long balance; /* in cents; never negative */
};

struct account *account_open(long initial_cents)
{
    struct account *acct = malloc(sizeof *acct);
    if (!acct)
        return NULL;
    acct->balance = initial_cents;
    return acct;
}

void account_close(struct account *acct)
{
    free(acct);
}

void account_deposit(struct account *acct, long cents)
{
    long balance = acct->balance;
    sched_yield(); /* let any other teller finish writing its update first */
    acct->balance = balance + cents;
}

bool account_withdraw(struct account *acct, long cents)
{
    long balance = acct->balance;
    if (balance < cents)
        return false; /* insufficient funds: refuse, change nothing */
    sched_yield(); /* let any other teller finish writing its update first */
    acct->balance = balance - cents;
    return true;
}

long account_balance(struct account *acct)
{
    return acct->balance;
}
