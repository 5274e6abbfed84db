/*
 * What the student tried: volatile instead of a lock for the reader. The
 * balance is declared volatile "so every read sees the latest value", and
 * account_balance() reads it without the mutex. volatile only stops the
 * compiler from caching the value; it creates no ordering between threads,
 * so the unlocked read is still a data race with the locked deposits and
 * ThreadSanitizer reports it in every run. The values read happen to be
 * whole (a long is loaded in one instruction here), so the tests pass.
 */
#include "bank.h"

#include <pthread.h>
#include <stdlib.h>

struct account {
    pthread_mutex_t lock; /* guards balance */
    volatile long balance; /* in cents; never negative; volatile: always read fresh */
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
    return acct->balance; /* volatile, so no lock needed (wrong) */
}
