/*
 * What the student tried: retry-with-usleep, with the sleep spelled
 * differently. A correct mutex solution whose refused withdrawals let go of
 * the lock, sleep 100 microseconds in case a deposit is on its way, and
 * check once more; the sleep is clock_nanosleep() instead of usleep(). The
 * lab forbids sleeping however it is spelled: the probe counts
 * clock_nanosleep (and thrd_sleep) as sleeping too.
 */
#include "bank.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

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
    if (acct->balance < cents) { /* short of money: a deposit may be on its way */
        pthread_mutex_unlock(&acct->lock);
        clock_nanosleep(CLOCK_MONOTONIC, 0, &(struct timespec){.tv_nsec = 100000}, NULL);
        pthread_mutex_lock(&acct->lock);
    }
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
