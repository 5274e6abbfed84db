/*
 * What the student tried: the reference solution plus one "optimisation",
 * the subtle bug. account_withdraw() first peeks at the balance without the
 * lock and refuses at once when it is clearly too low, then takes the lock
 * and checks again before taking the money. The re-check under the lock
 * keeps every answer right (in these tests the balance only falls while
 * withdrawals are refused, so a stale peek is never too low), but the peek
 * is an unlocked read racing with locked writes: ThreadSanitizer reports it
 * in every run, and only the race check is lost.
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

    if (acct->balance < cents) /* fast path: clearly not enough, skip the lock */
        return false;
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
    pthread_mutex_lock(&acct->lock);
    long balance = acct->balance;
    pthread_mutex_unlock(&acct->lock);
    return balance;
}
