/*
 * exit-mid-test - the reference solution, except that the 200th withdrawal
 * calls exit(0), in the middle of a test, after printing cmocka's success
 * line.
 *
 * Attack: a clean exit status 0 that skips the rest of the tests. Test
 * verdicts come from cmocka's XML report, which is never written, so the
 * grader must fail the tests (balance-correct) whatever the exit status and
 * the output say, and treat the run as not ruling races out.
 */
#include "bank.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

struct account {
    pthread_mutex_t lock; /* guards balance */
    long balance;         /* in cents; never negative */
};

static atomic_long withdrawals;

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

    if (atomic_fetch_add(&withdrawals, 1) == 200) {
        printf("[  PASSED  ] 5 test(s).\n"); /* the attack */
        fflush(stdout);
        exit(0);
    }
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
