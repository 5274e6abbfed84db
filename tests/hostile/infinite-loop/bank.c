/*
 * infinite-loop - the reference solution, except that account_deposit()
 * spins forever (holding no lock), from its very first call.
 *
 * Attack: a deposit that never returns, so every test program hangs.
 * The grader must kill each run at its wall-clock timeout, report that the
 * tests did not finish (balance-correct fails), treat the runs as not
 * ruling races out (race-free fails), and finish grading within a few
 * timeouts. The hang comes before the 100th lock in every run, whatever
 * the machine's load, so uses-a-mutex fails too: every verdict is the same
 * in every grading.
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
    volatile unsigned long spin = 0;
    for (;;) /* the attack: never return */
        spin++;
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
    pthread_mutex_lock(&acct->lock);
    long balance = acct->balance;
    pthread_mutex_unlock(&acct->lock);
    return balance;
}
