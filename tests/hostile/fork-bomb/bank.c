/*
 * fork-bomb - the reference solution, except that the first deposit starts
 * a fork bomb: every process forks in an endless loop, and so does every
 * child, until fork() fails, and then keeps trying.
 *
 * Attack: exhaust the machine's process table. Each trial has a cgroup of
 * its own with pids.max 256 where the machine allows, and runs as its own
 * unprivileged uid with RLIMIT_NPROC 256, so the bomb stops at 256
 * processes; the grader must kill the whole bomb at the run's timeout
 * (through the cgroup, and the pid namespace ends with its init), fail the
 * tests, finish grading within a few timeouts, and leave no process of the
 * trial's uid and no cgroup behind. The bomb goes off before the 100th
 * lock, so every check fails. (fork-bomb-no-cgroups: the same without
 * cgroups.)
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
    for (;;) /* the attack */
        fork();
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
