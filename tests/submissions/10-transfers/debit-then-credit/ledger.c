/*
 * What the student tried: never hold two locks at once. A transfer takes
 * the money out of the payer under the payer's lock, lets go, then pays it
 * into the payee under the payee's lock. No thread ever waits for a lock
 * while holding one, so nothing can deadlock, there is no data race, and
 * once the tellers are done every balance is right. But the transfer is no
 * longer one step: in between, the money is in neither account, and the
 * auditor, who holds every lock at once, counts a total that is short.
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
    bool ok = false;

    pthread_mutex_lock(&payer->lock); /* one lock at a time: nothing to deadlock on */
    if (payer->balance >= cents) {
        payer->balance -= cents;
        ok = true;
    }
    pthread_mutex_unlock(&payer->lock);

    if (ok) {
        pthread_mutex_lock(&payee->lock);
        payee->balance += cents;
        pthread_mutex_unlock(&payee->lock);
    }
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
