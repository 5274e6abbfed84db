/*
 * read-hidden-test - the reference solution, except that the first
 * account_open() of each program tries to read the hidden tests' source:
 * solutions/01-bank/test_bank_hidden.c by its absolute path, relative to
 * the trial folder (../tsan/test_bank_hidden.c, where the build laid it
 * out), in the current folder, and through /proc/1/cwd and /proc/1/root
 * (links that bypass the tmpfs mounted over the project). Whatever it can
 * read, it prints to stdout and to stderr, and it then drops every 1000th
 * deposit, so a leak shows in the verdict too.
 *
 * Attack: steal the hidden tests. The project folder is hidden from the
 * trial and the hidden sources are deleted from the build folder once the
 * programs are linked, so nothing can be read: the grader must give full
 * marks, and no line of the hidden source may appear anywhere in the
 * report.
 */
#include "bank.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

struct account {
    pthread_mutex_t lock; /* guards balance and deposits */
    long balance;         /* in cents; never negative */
    long deposits;        /* deposits made */
};

static pthread_once_t looked = PTHREAD_ONCE_INIT;
static atomic_bool leaked;

/* The attack: read and print the hidden tests from wherever they might be. */
static void steal(void)
{
    static const char *const paths[] = {
        "@ROOT@/solutions/01-bank/test_bank_hidden.c",
        "../tsan/test_bank_hidden.c",
        "test_bank_hidden.c",
        "../../../..@ROOT@/solutions/01-bank/test_bank_hidden.c",
        "/proc/1/cwd/solutions/01-bank/test_bank_hidden.c",
        "/proc/1/root@ROOT@/solutions/01-bank/test_bank_hidden.c",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        FILE *f = fopen(paths[i], "r");
        if (!f)
            continue;
        char buf[4096];
        size_t n;
        printf("LEAKED %s:\n", paths[i]);
        while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
            fwrite(buf, 1, n, stdout);
            fwrite(buf, 1, n, stderr);
        }
        fclose(f);
        fflush(stdout);
        atomic_store(&leaked, true);
    }
}

struct account *account_open(long initial_cents)
{
    pthread_once(&looked, steal);
    struct account *acct = malloc(sizeof *acct);
    if (!acct)
        return NULL;
    if (pthread_mutex_init(&acct->lock, NULL) != 0) {
        free(acct);
        return NULL;
    }
    acct->balance = initial_cents;
    acct->deposits = 0;
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
    if (++acct->deposits % 1000 != 0 || !atomic_load(&leaked)) /* a leak loses money */
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
