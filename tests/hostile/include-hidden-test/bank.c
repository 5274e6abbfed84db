/*
 * include-hidden-test - the reference solution, plus the hidden tests'
 * source compiled into this file: #include of it by its absolute path in
 * the grader's checkout, with its main() renamed and its assertion macros
 * redefined as comma expressions, so that every assertion and every
 * failure message of the hidden tests becomes a compiler warning
 * ("left operand of comma operator has no effect") that quotes the line.
 * If the include is found, the build succeeds, and the grader puts the
 * compiler's warnings in the report's build log.
 *
 * Attack: make the compiler print the hidden tests. A compiler running
 * outside the sandbox can read solutions/ (racelab's did, until it was
 * moved into the sandbox); the grader must refuse: the include must fail
 * (file not found), so the build fails and every check scores 0, and no
 * line of the hidden tests may appear in the report.
 */
#include "bank.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "racelab_lab.h"

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

/* The attack: the hidden tests, compiled here, each assertion a warning. */
#define main racelab_hidden_main
#undef racelab_fail
#define racelab_fail(...) ((void)0, __VA_ARGS__)
#undef assert_int_equal
#define assert_int_equal(a, b) ((void)0, a, b)
#undef assert_non_null
#define assert_non_null(a) ((void)0, a)
#undef assert_true
#define assert_true(a) ((void)0, a)
#undef assert_false
#define assert_false(a) ((void)0, a)
#include "@ROOT@/solutions/01-bank/test_bank_hidden.c"
