/*
 * bank.c - the Bank of Threads account (this is the file you change).
 *
 * This code was written for a bank with one teller. Now every teller and ATM
 * runs in its own thread and calls these functions on the same account at the
 * same time, and deposits go missing. Your job: make every function below safe
 * to call from many threads at once.
 *
 * You may change anything in this file: add fields to struct account, add
 * helper functions, change the function bodies. Keep the functions declared in
 * bank.h with their behaviour as documented there; bank.h and the tests stay
 * as they are.
 */
#include "bank.h"

#include <stdlib.h>

struct account {
    long balance; /* in cents; never negative */
};

struct account *account_open(long initial_cents)
{
    struct account *acct = malloc(sizeof *acct);
    if (!acct)
        return NULL;
    acct->balance = initial_cents;
    return acct;
}

void account_close(struct account *acct)
{
    free(acct);
}

void account_deposit(struct account *acct, long cents)
{
    acct->balance += cents; /* read the balance, add, write it back */
}

bool account_withdraw(struct account *acct, long cents)
{
    if (acct->balance < cents)
        return false; /* insufficient funds: refuse, change nothing */
    acct->balance -= cents;
    return true;
}

long account_balance(struct account *acct)
{
    return acct->balance;
}
