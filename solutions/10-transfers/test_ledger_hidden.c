/*
 * test_ledger_hidden.c - hidden tests for 10-transfers (instructor only, never handed out).
 *
 * Beyond the visible tests: tellers in a ring (teller i pays account i into
 * account i + 1, the dining philosophers' table), many accounts, frequent
 * transfers to the same account, tellers draining one account until it is
 * refused, and several auditors at once. Test names share the visible
 * tests' prefixes (transfers_, audit_) so lab.ini globs them into the same
 * checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "ledger.h"
#include "racelab_lab.h"

#define MAX_ACCOUNTS 64
#define MAX_THREADS 64
#define TOTAL_TRANSFERS 6000

enum pattern { RANDOM, RING, DRAIN };

struct teller {
    pthread_t thread;
    pthread_barrier_t *start;
    struct ledger *l;
    enum pattern pattern;
    int index, naccounts;
    unsigned seed;
    long transfers;
    int self_percent;               /* RANDOM: how often from == to */
    long moved[MAX_ACCOUNTS];       /* out: net cents moved into each account */
    long granted;                   /* out: transfers that succeeded */
    atomic_bool *done;              /* auditor */
    long audits, wrong, last_wrong; /* auditor out */
    long expected_total;            /* auditor */
};

static void *teller(void *arg)
{
    struct teller *t = arg;
    pthread_barrier_wait(t->start);
    for (long i = 0; t->pattern == DRAIN || i < t->transfers; i++) {
        int from, to;
        long cents = 1;
        if (t->pattern == RING) {
            from = t->index % t->naccounts;
            to = (t->index + 1) % t->naccounts;
        } else if (t->pattern == DRAIN) {
            from = 0;
            to = 1 + t->index % (t->naccounts - 1);
        } else {
            from = rand_r(&t->seed) % t->naccounts;
            to = rand_r(&t->seed) % 100 < t->self_percent ? from : rand_r(&t->seed) % t->naccounts;
            cents = 1 + rand_r(&t->seed) % 50;
        }
        if (ledger_transfer(t->l, from, to, cents)) {
            t->moved[from] -= cents;
            t->moved[to] += cents;
            t->granted++;
        } else if (t->pattern == DRAIN) {
            break;
        }
    }
    return NULL;
}

static void *auditor(void *arg)
{
    struct teller *t = arg;
    pthread_barrier_wait(t->start);
    do {
        long total = ledger_total(t->l);
        t->audits++;
        if (total != t->expected_total) {
            t->wrong++;
            t->last_wrong = total;
        }
        ledger_balance(t->l, t->index % t->naccounts);
    } while (!atomic_load(t->done));
    return NULL;
}

/* Runs n tellers and nauditors auditors over a fresh ledger and checks every
 * balance against the tellers' records; returns the tellers' grants. */
static long run(int naccounts, long initial, struct teller *tellers, int n, int nauditors)
{
    struct ledger *l = ledger_create(naccounts, initial);
    assert_non_null(l);
    pthread_barrier_t start;
    atomic_bool done = false;
    struct teller audits[4];
    assert_int_equal(pthread_barrier_init(&start, NULL, (unsigned)(n + nauditors)), 0);
    for (int i = 0; i < n; i++) {
        tellers[i].start = &start;
        tellers[i].l = l;
        tellers[i].index = i;
        tellers[i].naccounts = naccounts;
        assert_int_equal(pthread_create(&tellers[i].thread, NULL, teller, &tellers[i]), 0);
    }
    for (int i = 0; i < nauditors; i++) {
        audits[i] = (struct teller){.start = &start,
                                    .l = l,
                                    .done = &done,
                                    .index = i,
                                    .naccounts = naccounts,
                                    .expected_total = naccounts * initial};
        assert_int_equal(pthread_create(&audits[i].thread, NULL, auditor, &audits[i]), 0);
    }
    long granted = 0;
    for (int i = 0; i < n; i++) {
        assert_int_equal(pthread_join(tellers[i].thread, NULL), 0);
        granted += tellers[i].granted;
    }
    atomic_store(&done, true);
    long wrong = 0, audited = 0, last_wrong = 0;
    for (int i = 0; i < nauditors; i++) {
        assert_int_equal(pthread_join(audits[i].thread, NULL), 0);
        wrong += audits[i].wrong;
        audited += audits[i].audits;
        if (audits[i].wrong)
            last_wrong = audits[i].last_wrong;
    }
    pthread_barrier_destroy(&start);

    for (int a = 0; a < naccounts; a++) {
        long expected = initial;
        for (int i = 0; i < n; i++)
            expected += tellers[i].moved[a];
        long balance = ledger_balance(l, a);
        if (balance != expected)
            racelab_fail("account %d of %d should hold %ld cents after the transfers reported "
                         "done, but holds %ld",
                         a, naccounts, expected, balance);
    }
    long total = ledger_total(l);
    ledger_destroy(l);
    if (total != naccounts * initial)
        racelab_fail("%d accounts started with %ld cents in all and ended with %ld", naccounts,
                     naccounts * initial, total);
    if (wrong)
        racelab_fail("%ld of %ld audits saw a total other than %ld (the last: %ld)", wrong, audited,
                     naccounts * initial, last_wrong);
    return granted;
}

/* Teller i pays account i into account i + 1, around a ring of n accounts. */
static void transfers_around_a_ring_never_freeze(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    struct teller tellers[MAX_THREADS];
    for (int i = 0; i < n; i++)
        tellers[i] = (struct teller){.pattern = RING, .transfers = TOTAL_TRANSFERS / n};
    run(n, TOTAL_TRANSFERS, tellers, n, 0);
}

/* 64 accounts, random transfers, a third of them to the same account. */
static void transfers_conserve_money_with_self_transfers(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    unsigned seed = racelab_seed(1) * 2654435761u;
    struct teller tellers[MAX_THREADS];
    for (int i = 0; i < n; i++)
        tellers[i] = (struct teller){.pattern = RANDOM,
                                     .seed = seed + (unsigned)i,
                                     .transfers = TOTAL_TRANSFERS / n,
                                     .self_percent = 33};
    run(MAX_ACCOUNTS, 500, tellers, n, 0);
}

/* Tellers pay out of account 0 a cent at a time until refused: exactly the
 * money account 0 held is paid out, never a cent more. */
static void transfers_never_overdraw(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    long initial = TOTAL_TRANSFERS / 2;
    struct teller tellers[MAX_THREADS];
    for (int i = 0; i < n; i++)
        tellers[i] = (struct teller){.pattern = DRAIN};
    long granted = run(n + 1, initial, tellers, n, 0);
    if (granted != initial)
        racelab_fail("account 0 held %ld cents and %d tellers drew 1 cent at a time until "
                     "refused: %ld transfers were granted",
                     initial, n, granted);
}

/* Two auditors (and balance readers) while tellers transfer among 8 accounts. */
static void audit_by_two_auditors_at_once(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    unsigned seed = racelab_seed(1) * 40503u;
    struct teller tellers[MAX_THREADS];
    for (int i = 0; i < n; i++)
        tellers[i] = (struct teller){
            .pattern = RANDOM, .seed = seed + (unsigned)i, .transfers = TOTAL_TRANSFERS / 4 / n};
    run(8, 300, tellers, n, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(transfers_around_a_ring_never_freeze),
        cmocka_unit_test(transfers_conserve_money_with_self_transfers),
        cmocka_unit_test(transfers_never_overdraw),
        cmocka_unit_test(audit_by_two_auditors_at_once),
    };
    return cmocka_run_group_tests_name("ledger_hidden", tests, NULL, NULL);
}
