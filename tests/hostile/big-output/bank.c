/*
 * big-output - the reference solution, correct in every way, except that
 * the first account_open() of each program writes 1 GiB to stdout before
 * carrying on.
 *
 * Attack: flood the grader with output (to fill its memory, its disk or its
 * report, or to slow it down). The grader keeps at most 64 KiB of a
 * program's output and drains and drops the rest, so it must give full
 * marks, keep the report small, and grade in a few seconds.
 */
#include "bank.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct account {
    pthread_mutex_t lock; /* guards balance */
    long balance;         /* in cents; never negative */
};

static pthread_once_t flooded = PTHREAD_ONCE_INIT;

/* The attack: 1 GiB of text on stdout, 1 MiB per write. */
static void flood(void)
{
    static char chunk[1 << 20];
    memset(chunk, 'x', sizeof chunk);
    for (size_t i = 1; i < sizeof chunk; i += 80)
        chunk[i] = '\n';
    for (int i = 0; i < 1024; i++) {
        size_t off = 0;
        while (off < sizeof chunk) {
            ssize_t n = write(1, chunk + off, sizeof chunk - off);
            if (n <= 0)
                return;
            off += (size_t)n;
        }
    }
}

struct account *account_open(long initial_cents)
{
    pthread_once(&flooded, flood);
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
