/*
 * What the student tried: one big lock. A single global mutex guards the
 * balances of all accounts, instead of a mutex inside struct account. It is
 * correct (every access to any balance holds the one lock), only slower when
 * several accounts are busy at once: two tellers at different accounts now
 * wait for each other. 01-bank grades correctness and the use of a mutex, not
 * how fine-grained the locking is, so this earns full marks.
 */
#include "bank.h"

#include <pthread.h>
#include <stdlib.h>

static pthread_mutex_t bank_lock = PTHREAD_MUTEX_INITIALIZER; /* guards every account's balance */

struct account {
    long balance; /* in cents; never negative; guarded by bank_lock */
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
    pthread_mutex_lock(&bank_lock);
    acct->balance += cents;
    pthread_mutex_unlock(&bank_lock);
}

bool account_withdraw(struct account *acct, long cents)
{
    bool ok = false;

    pthread_mutex_lock(&bank_lock);
    if (acct->balance >= cents) {
        acct->balance -= cents;
        ok = true;
    }
    pthread_mutex_unlock(&bank_lock);
    return ok;
}

long account_balance(struct account *acct)
{
    pthread_mutex_lock(&bank_lock);
    long balance = acct->balance;
    pthread_mutex_unlock(&bank_lock);
    return balance;
}
