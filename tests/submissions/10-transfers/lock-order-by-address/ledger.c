/*
 * What the student tried: the classic textbook lock order, by the mutex's
 * address instead of by account number: ledger_transfer() locks whichever
 * of its two accounts lies lower in memory first. ledger_total() still locks
 * accounts[0] up, and since the accounts are one array that is the same
 * order. One global order, no cycle, no deadlock: as good as the reference,
 * so full marks.
 */
#include "ledger.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

struct account {
    pthread_mutex_t lock; /* guards balance; lock order: by address, lowest first */
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
    /* the global order: the account at the lower address first */
    struct account *first = (uintptr_t)payer < (uintptr_t)payee ? payer : payee;
    struct account *second = first == payer ? payee : payer;
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
    for (int i = 0; i < l->naccounts; i++) /* by address too: accounts[] is one array */
        pthread_mutex_lock(&l->accounts[i].lock);
    for (int i = 0; i < l->naccounts; i++)
        total += l->accounts[i].balance;
    for (int i = l->naccounts - 1; i >= 0; i--)
        pthread_mutex_unlock(&l->accounts[i].lock);
    return total;
}
