/*
 * redefine-mutex-lock - correct and race-free locking that is not a mutex:
 * this file defines its own pthread_mutex_lock() and pthread_mutex_unlock(),
 * a spinlock on an atomic flag laid over the pthread_mutex_t, and "locks"
 * the balance with them, so that a probe counting calls by name would count
 * 84,000 mutex locks where no mutex is ever used.
 *
 * Attack: fake the counts the mechanism check reads. Redefining a function
 * of the C library is not something a lab answer may do; the grader must
 * not credit it as a mutex: either the build fails (the probe renames the
 * definition too, which then collides with the probe's own stand-in), or
 * uses-a-mutex fails. Observed: see expect.
 */
#include "bank.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

struct account {
    pthread_mutex_t lock; /* guards balance (with the spinlock below) */
    long balance;         /* in cents; never negative */
};

/* The attack: a "mutex" that is a spinlock, under the mutex's name. */
int pthread_mutex_lock(pthread_mutex_t *m)
{
    atomic_flag *flag = (atomic_flag *)m;
    while (atomic_flag_test_and_set_explicit(flag, memory_order_acquire))
        ;
    return 0;
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
    atomic_flag_clear_explicit((atomic_flag *)m, memory_order_release);
    return 0;
}

struct account *account_open(long initial_cents)
{
    struct account *acct = calloc(1, sizeof *acct);
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
