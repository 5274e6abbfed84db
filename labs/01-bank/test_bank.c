/*
 * test_bank.c - visible tests for 01-bank: many threads share one account.
 *
 * Each test starts RACELAB_THREADS threads (4 when you run it by hand), lines
 * them up at a barrier so they really run at the same time, lets them hammer
 * one account, then checks the arithmetic after joining them. Worker threads
 * never call cmocka's assertions (those only work on the main thread): they
 * record what they did, and the main thread checks it.
 *
 * Run by hand: build/racelab check 01-bank (or `make grade`).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "bank.h"
#include "racelab_lab.h"

#define TOTAL_OPS 24000 /* operations per test, shared out among the threads */
#define MAX_THREADS 64

/* What one teller thread is asked to do, and what it reports back. */
struct teller {
    pthread_t thread;
    pthread_barrier_t *start; /* every teller waits here, then all begin together */
    struct account *acct;
    long ops;         /* how many operations to attempt */
    long cents;       /* amount per operation (watcher: the highest possible balance) */
    long succeeded;   /* out: withdrawals that were granted */
    bool until_empty; /* withdraw until refused, ignoring ops */
    long odd_reads;   /* out: balances read that went down or past the maximum */
};

static void *deposit_worker(void *arg)
{
    struct teller *t = arg;
    pthread_barrier_wait(t->start);
    for (long i = 0; i < t->ops; i++)
        account_deposit(t->acct, t->cents);
    return NULL;
}

static void *withdraw_worker(void *arg)
{
    struct teller *t = arg;
    pthread_barrier_wait(t->start);
    for (long i = 0; t->until_empty || i < t->ops; i++) {
        if (account_withdraw(t->acct, t->cents))
            t->succeeded++;
        else if (t->until_empty)
            break;
    }
    return NULL;
}

/* Checks the balance over and over while others deposit: it may only ever grow. */
static void *balance_watcher(void *arg)
{
    struct teller *t = arg;
    long last = 0;
    pthread_barrier_wait(t->start);
    for (long i = 0; i < t->ops; i++) {
        long now = account_balance(t->acct);
        if (now < last || now > t->cents)
            t->odd_reads++;
        last = now;
    }
    return NULL;
}

/* Starts n tellers, the first ndeposit of them depositing, the rest running other. */
static void run_tellers(struct teller *tellers, int n, int ndeposit, void *(*other)(void *))
{
    pthread_barrier_t start;
    assert_int_equal(pthread_barrier_init(&start, NULL, (unsigned)n), 0);
    for (int i = 0; i < n; i++) {
        tellers[i].start = &start;
        void *(*fn)(void *) = i < ndeposit ? deposit_worker : other;
        assert_int_equal(pthread_create(&tellers[i].thread, NULL, fn, &tellers[i]), 0);
    }
    for (int i = 0; i < n; i++)
        assert_int_equal(pthread_join(tellers[i].thread, NULL), 0);
    pthread_barrier_destroy(&start);
}

/* One thread alone: the documented behaviour, before any concurrency. */
static void account_basics_work_single_threaded(void **state)
{
    (void)state;
    struct account *acct = account_open(500);
    assert_non_null(acct);
    assert_int_equal(account_balance(acct), 500);
    account_deposit(acct, 250);
    assert_int_equal(account_balance(acct), 750);
    assert_true(account_withdraw(acct, 700));
    assert_int_equal(account_balance(acct), 50);
    assert_false(account_withdraw(acct, 51)); /* refused: not enough money */
    assert_int_equal(account_balance(acct), 50);
    assert_true(account_withdraw(acct, 50));
    assert_int_equal(account_balance(acct), 0);
    account_close(acct);
}

/* Every thread deposits 1 cent many times: not a single cent may go missing. */
static void deposits_are_never_lost(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    struct teller tellers[MAX_THREADS] = {0};
    struct account *acct = account_open(0);
    assert_non_null(acct);
    for (int i = 0; i < n; i++)
        tellers[i] = (struct teller){.acct = acct, .ops = TOTAL_OPS / n, .cents = 1};

    run_tellers(tellers, n, n, NULL);

    long expected = (long)n * (TOTAL_OPS / n);
    long balance = account_balance(acct);
    if (balance != expected)
        racelab_fail("%d threads deposited %ld cents in total, but the balance is %ld: "
                     "%ld cents were lost",
                     n, expected, balance, expected - balance);
    account_close(acct);
}

/* Threads withdraw 1 cent each until refused: exactly the starting balance is paid out. */
static void withdrawals_never_overdraw(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    long initial = TOTAL_OPS / 2;
    struct teller tellers[MAX_THREADS] = {0};
    struct account *acct = account_open(initial);
    assert_non_null(acct);
    for (int i = 0; i < n; i++)
        tellers[i] = (struct teller){.acct = acct, .cents = 1, .until_empty = true};

    run_tellers(tellers, n, 0, withdraw_worker);

    long paid = 0;
    for (int i = 0; i < n; i++)
        paid += tellers[i].succeeded;
    long balance = account_balance(acct);
    if (paid != initial || balance != 0)
        racelab_fail("the account held %ld cents and %d threads withdrew until refused: "
                     "they were paid %ld cents and %ld cents are left (expected %ld paid, 0 left)",
                     initial, n, paid, balance, initial);
    account_close(acct);
}

/* Half the threads deposit 3 cents, half withdraw 2 cents; the books must balance. */
static void mixed_deposits_and_withdrawals_balance(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    int ndeposit = n / 2;
    long ops = TOTAL_OPS / n;
    long initial = 2L * ops * (n - ndeposit); /* enough that no withdrawal is refused */
    struct teller tellers[MAX_THREADS] = {0};
    struct account *acct = account_open(initial);
    assert_non_null(acct);
    for (int i = 0; i < n; i++)
        tellers[i] = (struct teller){.acct = acct, .ops = ops, .cents = i < ndeposit ? 3 : 2};

    run_tellers(tellers, n, ndeposit, withdraw_worker);

    long granted = 0;
    for (int i = ndeposit; i < n; i++)
        granted += tellers[i].succeeded;
    long expected = initial + 3L * ops * ndeposit - 2L * ops * (n - ndeposit);
    long balance = account_balance(acct);
    if (granted != ops * (n - ndeposit))
        racelab_fail("%ld of %ld withdrawals were refused although the account always "
                     "held enough money",
                     ops * (n - ndeposit) - granted, ops * (n - ndeposit));
    if (balance != expected)
        racelab_fail(
            "with %d threads depositing and %d withdrawing, the balance ended at %ld cents, "
            "expected %ld (off by %ld)",
            ndeposit, n - ndeposit, balance, expected, balance - expected);
    account_close(acct);
}

/* Half the threads deposit 1 cent at a time, the others watch the balance: every
 * reading lies between 0 and the final total, and never goes down. */
static void deposits_show_up_in_balance_readings(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    int ndeposit = n / 2;
    long ops = TOTAL_OPS / n;
    long final = ops * ndeposit;
    struct teller tellers[MAX_THREADS] = {0};
    struct account *acct = account_open(0);
    assert_non_null(acct);
    for (int i = 0; i < n; i++)
        tellers[i] = (struct teller){.acct = acct, .ops = ops, .cents = i < ndeposit ? 1 : final};

    run_tellers(tellers, n, ndeposit, balance_watcher);

    long odd = 0;
    for (int i = ndeposit; i < n; i++)
        odd += tellers[i].odd_reads;
    long balance = account_balance(acct);
    if (odd)
        racelab_fail("%ld balance readings went down, or above the %ld cents ever deposited", odd,
                     final);
    if (balance != final)
        racelab_fail("%d threads deposited %ld cents, but the balance is %ld", ndeposit, final,
                     balance);
    account_close(acct);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(account_basics_work_single_threaded),
        cmocka_unit_test(deposits_are_never_lost),
        cmocka_unit_test(withdrawals_never_overdraw),
        cmocka_unit_test(mixed_deposits_and_withdrawals_balance),
        cmocka_unit_test(deposits_show_up_in_balance_readings),
    };
    return cmocka_run_group_tests_name("bank", tests, NULL, NULL);
}
