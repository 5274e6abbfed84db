/*
 * What the student tried: a correct mutex solution, plus a usleep() "to be
 * kind": when a withdrawal finds too little money, it lets go of the lock,
 * sleeps 100 microseconds in case a deposit is on its way, and checks once
 * more. The check and the update still happen under one lock, so there is
 * no race and every total is right, but the lab forbids sleeping (timing
 * tricks only hide races), so the mechanism check is lost.
 */
#include "bank.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

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
        usleep(100);
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
