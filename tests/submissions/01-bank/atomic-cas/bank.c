/*
 * What the student tried: a strong student's lock-free answer. The balance is
 * an atomic_long: deposits are one atomic_fetch_add, a withdrawal is a
 * compare-and-swap loop that only succeeds if the balance it checked is
 * still the balance it replaces, and account_balance() is an atomic_load.
 * This is correct and race-free, but 01-bank is the lab that teaches the
 * mutex and its mechanism check asks for one, so that check is lost.
 */
#include "bank.h"

#include <stdatomic.h>
#include <stdlib.h>

struct account {
    atomic_long balance; /* in cents; never negative; only touched atomically */
};

struct account *account_open(long initial_cents)
{
    struct account *acct = malloc(sizeof *acct);
    if (!acct)
        return NULL;
    atomic_init(&acct->balance, initial_cents);
    return acct;
}

void account_close(struct account *acct)
{
    free(acct);
}

void account_deposit(struct account *acct, long cents)
{
    atomic_fetch_add(&acct->balance, cents);
}

bool account_withdraw(struct account *acct, long cents)
{
    long balance = atomic_load(&acct->balance);
    do {
        if (balance < cents)
            return false; /* insufficient funds: refuse, change nothing */
    } while (!atomic_compare_exchange_weak(&acct->balance, &balance, balance - cents));
    return true;
}

long account_balance(struct account *acct)
{
    return atomic_load(&acct->balance);
}
