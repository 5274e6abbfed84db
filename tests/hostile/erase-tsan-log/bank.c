/*
 * erase-tsan-log - a data race ThreadSanitizer reports in every run (the
 * lock-writes-only mistake of tests/submissions/01-bank: account_balance()
 * reads the balance without the lock), hidden by a destructor that runs
 * after the tests: it deletes every ThreadSanitizer log in the trial folder
 * (the files "<program>.tsan.<pid>" named by log_path in TSAN_OPTIONS; the
 * folder is writable by every trial user) and ends the process with
 * _exit(0) before ThreadSanitizer can set its exit status 217.
 *
 * Attack: erase the evidence of a race. ThreadSanitizer runs inside the
 * student's process and writes its reports to files the student's code can
 * delete, so the grader must still fail race-free: the reports must reach
 * the grader through something the student cannot undo (for example
 * log_path pointing at a pipe or a descriptor the grader holds, or a folder
 * the trial's user cannot write). balance-correct and uses-a-mutex pass.
 */
#include "bank.h"

#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct account {
    pthread_mutex_t lock; /* guards the writes to balance */
    long balance;         /* in cents; never negative */
};

/* The attack: no log, no exit status 217. */
__attribute__((destructor)) static void erase_reports(void)
{
    DIR *d = opendir(".");
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strstr(e->d_name, ".tsan"))
            unlink(e->d_name);
    closedir(d);
    _exit(0);
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
    return acct->balance; /* the race: read without the lock the writers hold */
}
