/*
 * ledger.c - the credit union's ledger (this is the file you change).
 *
 * Every account has its own mutex, so transfers between different accounts
 * never wait for each other. A transfer locks the account it takes money
 * from, then the account it pays into, moves the money and unlocks both.
 * The auditor locks every account, in order, adds up, and unlocks.
 *
 * It passed every test with one teller. With a branch full of tellers the
 * ledger freezes: every teller thread waits forever, and nothing moves
 * again until the process is killed.
 *
 * Your job: make the ledger impossible to freeze, keeping one lock per
 * account and every transfer all-or-nothing (see README.md). You may
 * change anything in this file; ledger.h and the tests stay as they are.
 */
#include "ledger.h"

#include <pthread.h>
#include <stdlib.h>

struct account {
    pthread_mutex_t lock; /* guards balance */
    long balance;         /* in cents; never negative */
};

struct ledger {
    int naccounts;            /* fixed after create */
    struct account *accounts; /* accounts[i] is account i */
};

struct ledger *ledger_create(int naccounts, long initial_cents)
{
    struct ledger *l = malloc(sizeof *l);
    if (!l)
        return NULL;
    l->accounts = calloc((size_t)naccounts, sizeof *l->accounts);
    if (!l->accounts) {
        free(l);
        return NULL;
    }
    l->naccounts = naccounts;
    for (int i = 0; i < naccounts; i++) {
        pthread_mutex_init(&l->accounts[i].lock, NULL);
        l->accounts[i].balance = initial_cents;
    }
    return l;
}

void ledger_destroy(struct ledger *l)
{
    for (int i = 0; i < l->naccounts; i++)
        pthread_mutex_destroy(&l->accounts[i].lock);
    free(l->accounts);
    free(l);
}

long ledger_balance(struct ledger *l, int account)
{
    struct account *a = &l->accounts[account];
    pthread_mutex_lock(&a->lock);
    long balance = a->balance;
    pthread_mutex_unlock(&a->lock);
    return balance;
}

bool ledger_transfer(struct ledger *l, int from, int to, long cents)
{
    if (from == to) /* nothing moves; and locking one mutex twice would hang */
        return ledger_balance(l, from) >= cents;

    struct account *payer = &l->accounts[from], *payee = &l->accounts[to];
    bool ok = false;

    pthread_mutex_lock(&payer->lock); /* first the account the money leaves */
    pthread_mutex_lock(&payee->lock); /* then the account it goes to */
    if (payer->balance >= cents) {
        payer->balance -= cents;
        payee->balance += cents;
        ok = true;
    }
    pthread_mutex_unlock(&payee->lock);
    pthread_mutex_unlock(&payer->lock);
    return ok;
}

long ledger_total(struct ledger *l)
{
    long total = 0;
    for (int i = 0; i < l->naccounts; i++) /* hold every account: nothing moves meanwhile */
        pthread_mutex_lock(&l->accounts[i].lock);
    for (int i = 0; i < l->naccounts; i++)
        total += l->accounts[i].balance;
    for (int i = l->naccounts - 1; i >= 0; i--)
        pthread_mutex_unlock(&l->accounts[i].lock);
    return total;
}
