/*
 * infinite-loop - the reference solution, except that account_deposit()
 * spins forever (holding no lock) once it has been called 100 times.
 *
 * Attack: a deposit that never returns, so every test program hangs.
 * The grader must kill each run at its wall-clock timeout, report that the
 * tests did not finish (balance-correct fails), and still finish grading
 * within a few timeouts. Nothing else is wrong with the code: there is no
 * race, and the mutex is used well over 100 times before the hang.
 */
#include "bank.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

struct account {
    pthread_mutex_t lock; /* guards balance */
    long balance;         /* in cents; never negative */
};

static atomic_long deposits; /* calls of account_deposit(), all accounts */

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
    if (atomic_fetch_add_explicit(&deposits, 1, memory_order_relaxed) >= 100) {
        volatile unsigned long spin = 0;
        for (;;) /* the attack: never return */
            spin++;
    }
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
