/*
 * What the student tried: the reference solution written with C11's own
 * threads library instead of pthreads: an mtx_t per account (<threads.h>),
 * mtx_lock and mtx_unlock around every access to the balance. It is exactly
 * as correct and race-free as the pthread version, and an mtx_t is a mutex:
 * full marks. (clang 14's ThreadSanitizer does not understand glibc's
 * mtx_lock; racelab's probe runs it as the pthread_mutex_t it is.)
 */
#include "bank.h"

#include <stdlib.h>
#include <threads.h>

struct account {
    mtx_t lock;   /* guards balance */
    long balance;         /* in cents; never negative */
};

struct account *account_open(long initial_cents)
{
    struct account *acct = malloc(sizeof *acct);
    if (!acct)
        return NULL;
    if (mtx_init(&acct->lock, mtx_plain) != thrd_success) {
        free(acct);
        return NULL;
    }
    acct->balance = initial_cents;
    return acct;
}

void account_close(struct account *acct)
{
    mtx_destroy(&acct->lock);
    free(acct);
}

void account_deposit(struct account *acct, long cents)
{
    mtx_lock(&acct->lock);
    acct->balance += cents;
    mtx_unlock(&acct->lock);
}

bool account_withdraw(struct account *acct, long cents)
{
    bool ok = false;

    mtx_lock(&acct->lock);
    if (acct->balance >= cents) {
        acct->balance -= cents;
        ok = true;
    }
    mtx_unlock(&acct->lock);
    return ok;
}

long account_balance(struct account *acct)
{
    mtx_lock(&acct->lock);
    long balance = acct->balance;
    mtx_unlock(&acct->lock);
    return balance;
}
