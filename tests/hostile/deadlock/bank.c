/*
 * deadlock - the reference solution, except that the first deposit takes
 * two bank-wide locks in one order while a helper thread it starts takes
 * them in the other order, each waiting until the other holds its first
 * lock: a guaranteed deadlock, every run.
 *
 * Attack: a hang that no scheduling can avoid. The grader must kill each run
 * at its wall-clock timeout (the threads are blocked in pthread_mutex_lock,
 * not spinning, so only the timeout ends them), fail the tests, and finish
 * grading within a few timeouts. The hang comes before the 100th lock, so
 * every check fails, in every grading.
 */
#include "bank.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

struct account {
    pthread_mutex_t lock; /* guards balance */
    long balance;         /* in cents; never negative */
};

static pthread_mutex_t ledger = PTHREAD_MUTEX_INITIALIZER; /* taken first by deposits */
static pthread_mutex_t vault = PTHREAD_MUTEX_INITIALIZER;  /* taken first by the auditor */
static atomic_int auditor_holds_vault;

/* Takes vault, then ledger: the opposite order of the deposit below. */
static void *auditor(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&vault);
    atomic_store(&auditor_holds_vault, 1);
    pthread_mutex_lock(&ledger); /* blocks forever: the depositor holds ledger */
    pthread_mutex_unlock(&ledger);
    pthread_mutex_unlock(&vault);
    return NULL;
}

/* Takes ledger, starts the auditor, waits until it holds vault, then wants vault. */
static void audited_deposit(void)
{
    pthread_t t;
    pthread_mutex_lock(&ledger);
    if (pthread_create(&t, NULL, auditor, NULL) == 0)
        while (!atomic_load(&auditor_holds_vault))
            ;
    pthread_mutex_lock(&vault); /* blocks forever: the auditor holds vault */
    pthread_mutex_unlock(&vault);
    pthread_mutex_unlock(&ledger);
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
    audited_deposit(); /* the attack: never returns */
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
