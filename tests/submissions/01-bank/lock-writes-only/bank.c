/*
 * What the student tried: locking only the code that writes. Deposits and
 * withdrawals hold the account's mutex; account_balance() "only reads", so
 * the student left it without the lock. A long is read in one instruction on
 * this machine, so the value read is always one that was really stored and
 * the tests pass, but the read is still a data race with the locked writes:
 * nothing orders it with them, and the C standard makes the program's
 * behaviour undefined. ThreadSanitizer reports it in every run.
 */
#include "bank.h"

#include <pthread.h>
#include <stdlib.h>

struct account {
    pthread_mutex_t lock; /* guards balance */
    long balance;         /* in cents; never negative */
};

struct account *account_open(long initial_cents)
{
    struct account *acct = malloc(sizeof *acct);
    if (!acct)
        return NULL;
    if (pthread_mutex_init(&acct->lock, NULL) != 0) {
        free(acct);
        return NULL;
    }
    acct->balance = initial_cents;
    return acct;
}

void account_close(struct account *acct)
{
    pthread_mutex_destroy(&acct->lock);
    free(acct);
}

void account_deposit(struct account *acct, long cents)
{
    pthread_mutex_lock(&acct->lock);
    acct->balance += cents;
    pthread_mutex_unlock(&acct->lock);
}

bool account_withdraw(struct account *acct, long cents)
{
    bool ok = false;

    pthread_mutex_lock(&acct->lock);
    if (acct->balance >= cents) {
        acct->balance -= cents;
        ok = true;
    }
    pthread_mutex_unlock(&acct->lock);
    return ok;
}

long account_balance(struct account *acct)
{
    return acct->balance; /* only reads: no lock needed (wrong) */
}
