/*
 * close-stdio - the reference solution, correct in every way, except that
 * the first account_open() of each program closes stdin and stderr
 * (fclose(stderr), close(0), close(2)) and points stdout at /dev/null, then
 * carries on correctly.
 *
 * Attack: a program that takes away the channels a grader might read
 * results from. racelab reads test verdicts from cmocka's XML file and
 * races from ThreadSanitizer's log files, never from the output, so the
 * grader must still give full marks. (Files opened later, such as cmocka's
 * XML report, may now get descriptors 0 and 2: that must not matter either.)
 */
#include "bank.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct account {
    pthread_mutex_t lock; /* guards balance */
    long balance;         /* in cents; never negative */
};

static pthread_once_t silenced = PTHREAD_ONCE_INIT;

/* The attack: no stdin, no stderr, stdout into /dev/null. */
static void silence(void)
{
    fflush(stdout);
    fclose(stderr);
    close(0);
    close(2);
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0 && null != 1) {
        dup2(null, 1);
        close(null);
    }
}

struct account *account_open(long initial_cents)
{
    pthread_once(&silenced, silence);
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
