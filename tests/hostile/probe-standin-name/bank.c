/*
 * probe-standin-name - the reference solution, plus definitions of the
 * probe's own stand-ins, racelab_probe_pthread_mutex_lock() and
 * racelab_probe_pthread_mutex_unlock(), which lock and unlock without
 * counting anything (through pthread_mutex_trylock in a loop, which this
 * file may call).
 *
 * Attack: take over the probe. The probe renames the student's calls to
 * pthread_mutex_lock into calls to racelab_probe_pthread_mutex_lock; if the
 * student's definition of that name won at link time, the student would
 * decide what gets counted. The names are the grader's; the grader must
 * not let the student's definitions replace the probe's: either the build
 * fails (two definitions of one symbol), or the probe's counts stand.
 * Observed: see expect.
 */
#include "bank.h"

#include <pthread.h>
#include <stdlib.h>

struct account {
    pthread_mutex_t lock; /* guards balance */
    long balance;         /* in cents; never negative */
};

/* The attack: the probe's stand-ins, defined here. */
int racelab_probe_pthread_mutex_lock(pthread_mutex_t *m)
{
    while (pthread_mutex_trylock(m) != 0)
        ;
    return 0;
}

int racelab_probe_pthread_mutex_unlock(pthread_mutex_t *m);
int racelab_probe_pthread_mutex_unlock(pthread_mutex_t *m)
{
    return pthread_mutex_unlock(m);
}

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
    pthread_mutex_lock(&acct->lock);
    long balance = acct->balance;
    pthread_mutex_unlock(&acct->lock);
    return balance;
}
