/*
 * test_ledger.c - visible tests for 10-transfers: tellers move money both ways.
 *
 * Teller threads make transfers between random accounts (the trial's seed
 * picks them), each keeping its own record of the money it moved. After
 * joining them, the main thread checks every balance against those records
 * and the total against the money the ledger started with. A ledger that
 * freezes never gets that far: the grader stops the run after its time
 * limit, and the trial fails. Thread counts come from RACELAB_THREADS (4
 * when run by hand).
 *
 * Run by hand: build/racelab check 10-transfers (or `make grade`).
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

#define NACCOUNTS 6          /* few accounts: tellers collide often */
#define INITIAL 1000         /* cents in each account at the start */
#define TOTAL_TRANSFERS 8000 /* per test, shared out among the tellers */
#define MAX_THREADS 64

/* One teller thread: what it is asked to do, and its own record of it. */
struct teller {
    pthread_t thread;
    pthread_barrier_t *start;
    struct ledger *l;
    unsigned seed;
    long transfers;                        /* how many to make */
    int from, to;                          /* fixed direction, or -1: random accounts */
    long moved[NACCOUNTS];                 /* out: net cents this teller moved into each account */
    atomic_bool *tellers_done;             /* auditor: audit until this is set */
    long audits, wrong_totals, last_wrong; /* auditor out */
};

static void *teller(void *arg)
{
    struct teller *t = arg;
    pthread_barrier_wait(t->start);
    for (long i = 0; i < t->transfers; i++) {
        int from = t->from, to = t->to;
        long cents = 1;
        if (from < 0) {
            from = rand_r(&t->seed) % NACCOUNTS;
            to = rand_r(&t->seed) % NACCOUNTS;
            cents = 1 + rand_r(&t->seed) % 100;
        }
        if (ledger_transfer(t->l, from, to, cents)) {
            t->moved[from] -= cents;
            t->moved[to] += cents;
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
        if (total != NACCOUNTS * INITIAL) {
            t->wrong_totals++;
            t->last_wrong = total;
        }
    } while (!atomic_load(t->tellers_done));
    return NULL;
}

/* Starts the tellers (and an auditor, if given), waits for them, and checks
 * every balance against the tellers' records. */
static void run_and_check(struct ledger *l, struct teller *tellers, int n, struct teller *audit)
{
    pthread_barrier_t start;
    atomic_bool done = false;
    assert_int_equal(pthread_barrier_init(&start, NULL, (unsigned)(n + (audit != NULL))), 0);
    for (int i = 0; i < n; i++) {
        tellers[i].start = &start;
        tellers[i].l = l;
        assert_int_equal(pthread_create(&tellers[i].thread, NULL, teller, &tellers[i]), 0);
    }
    if (audit) {
        *audit = (struct teller){.start = &start, .l = l, .tellers_done = &done};
        assert_int_equal(pthread_create(&audit->thread, NULL, auditor, audit), 0);
    }
    for (int i = 0; i < n; i++)
        assert_int_equal(pthread_join(tellers[i].thread, NULL), 0);
    atomic_store(&done, true);
    if (audit)
        assert_int_equal(pthread_join(audit->thread, NULL), 0);
    pthread_barrier_destroy(&start);

    for (int a = 0; a < NACCOUNTS; a++) {
        long expected = INITIAL;
        for (int i = 0; i < n; i++)
            expected += tellers[i].moved[a];
        long balance = ledger_balance(l, a);
        if (balance != expected)
            racelab_fail("account %d should hold %ld cents after the transfers the tellers "
                         "were told succeeded, but holds %ld",
                         a, expected, balance);
    }
    long total = ledger_total(l);
    if (total != NACCOUNTS * INITIAL)
        racelab_fail("the ledger started with %d cents and now holds %ld", NACCOUNTS * INITIAL,
                     total);
}

/* One thread alone: the documented behaviour, before any concurrency. */
static void transfers_basics_work_single_threaded(void **state)
{
    (void)state;
    struct ledger *l = ledger_create(3, 100);
    assert_non_null(l);
    assert_true(ledger_transfer(l, 0, 1, 60));
    assert_int_equal(ledger_balance(l, 0), 40);
    assert_int_equal(ledger_balance(l, 1), 160);
    assert_false(ledger_transfer(l, 0, 2, 41)); /* refused: not enough money */
    assert_int_equal(ledger_balance(l, 0), 40);
    assert_int_equal(ledger_balance(l, 2), 100);
    assert_true(ledger_transfer(l, 2, 0, 100)); /* a higher number pays a lower one */
    assert_int_equal(ledger_balance(l, 0), 140);
    assert_int_equal(ledger_balance(l, 2), 0);
    assert_true(ledger_transfer(l, 1, 1, 160)); /* to itself: allowed, nothing moves */
    assert_false(ledger_transfer(l, 1, 1, 161));
    assert_int_equal(ledger_balance(l, 1), 160);
    assert_int_equal(ledger_total(l), 300);
    ledger_destroy(l);
}

/* Tellers transfer random amounts between random accounts (sometimes to the
 * same account): every balance must match what the tellers were told. */
static void transfers_conserve_money(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    unsigned seed = racelab_seed(1);
    struct ledger *l = ledger_create(NACCOUNTS, INITIAL);
    assert_non_null(l);
    struct teller tellers[MAX_THREADS];
    for (int i = 0; i < n; i++)
        tellers[i] = (struct teller){
            .seed = seed * 31u + (unsigned)i, .transfers = TOTAL_TRANSFERS / n, .from = -1};
    run_and_check(l, tellers, n, NULL);
    ledger_destroy(l);
}

/* Half the tellers pay account 0 into 1, the other half 1 into 0, a cent at
 * a time: the classic pair of transfers that freezes a careless ledger. */
static void transfers_both_ways_between_two_accounts(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    struct ledger *l = ledger_create(NACCOUNTS, INITIAL);
    assert_non_null(l);
    struct teller tellers[MAX_THREADS];
    long each = TOTAL_TRANSFERS / n;
    for (int i = 0; i < n; i++)
        tellers[i] = (struct teller){.transfers = each, .from = i % 2, .to = 1 - i % 2};
    run_and_check(l, tellers, n, NULL);
    ledger_destroy(l);
}

/* An auditor adds up the ledger again and again while tellers transfer:
 * every total must be exactly the money the ledger started with. */
static void audit_total_never_changes(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    unsigned seed = racelab_seed(1);
    struct ledger *l = ledger_create(NACCOUNTS, INITIAL);
    assert_non_null(l);
    struct teller tellers[MAX_THREADS], audit;
    int ntellers = n - 1 > 0 ? n - 1 : 1;
    for (int i = 0; i < ntellers; i++)
        tellers[i] = (struct teller){.seed = seed * 17u + (unsigned)i,
                                     .transfers = TOTAL_TRANSFERS / 4 / ntellers,
                                     .from = -1};
    run_and_check(l, tellers, ntellers, &audit);
    ledger_destroy(l);
    if (audit.wrong_totals)
        racelab_fail("%ld of %ld audits during the transfers got a total other than %d "
                     "(the last: %ld)",
                     audit.wrong_totals, audit.audits, NACCOUNTS * INITIAL, audit.last_wrong);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(transfers_basics_work_single_threaded),
        cmocka_unit_test(transfers_conserve_money),
        cmocka_unit_test(transfers_both_ways_between_two_accounts),
        cmocka_unit_test(audit_total_never_changes),
    };
    return cmocka_run_group_tests_name("ledger", tests, NULL, NULL);
}
