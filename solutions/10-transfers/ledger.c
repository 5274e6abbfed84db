/*
 * ledger.c - reference solution for 10-transfers (instructor only).
 *
 * One mutex per account, beside the balance it guards. A thread that holds
 * one account's lock and waits for another's can deadlock with a thread
 * that holds them the other way round. The cure is a single global order:
 * every function that holds two or more account locks at once takes them
 * in increasing account number. Then no thread ever waits for a lock with a
 * lower number than one it holds, so no cycle of waiting threads can form.
 *
 * ledger_transfer() locks the lower-numbered of its two accounts first,
 * whichever way the money flows; ledger_total() locks all of them from 0
 * up, which is the same order. A transfer from an account to itself locks
 * it once (locking a default mutex twice would hang).
 */
#include "ledger.h"

#include <pthread.h>
#include <stdlib.h>

struct account {
    pthread_mutex_t lock; /* guards balance; lock order: by account number, lowest first */
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
    for (l->naccounts = 0; l->naccounts < naccounts; l->naccounts++) {
        struct account *a = &l->accounts[l->naccounts];
        if (pthread_mutex_init(&a->lock, NULL) != 0) {
            ledger_destroy(l);
            return NULL;
        }
        a->balance = initial_cents;
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
    if (from == to)
        return ledger_balance(l, from) >= cents;

    struct account *payer = &l->accounts[from], *payee = &l->accounts[to];
    struct account *first = from < to ? payer : payee; /* the global order: lower number first */
    struct account *second = from < to ? payee : payer;
    bool ok = false;

    pthread_mutex_lock(&first->lock);
    pthread_mutex_lock(&second->lock);
    if (payer->balance >= cents) {
        payer->balance -= cents;
        payee->balance += cents;
        ok = true;
    }
    pthread_mutex_unlock(&second->lock);
    pthread_mutex_unlock(&first->lock);
    return ok;
}

long ledger_total(struct ledger *l)
{
    long total = 0;
    for (int i = 0; i < l->naccounts; i++) /* the same order as transfers: 0 up */
        pthread_mutex_lock(&l->accounts[i].lock);
    for (int i = 0; i < l->naccounts; i++)
        total += l->accounts[i].balance;
    for (int i = l->naccounts - 1; i >= 0; i--)
        pthread_mutex_unlock(&l->accounts[i].lock);
    return total;
}
