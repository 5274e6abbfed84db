/*
 * test_bank_hidden.c - hidden tests for 01-bank (instructor only, never handed out).
 *
 * Harder versions of the visible tests: random amounts drawn from the trial's
 * seed, tellers that read the balance while others change it, several accounts
 * in use at once. Test names share the visible tests' prefixes so that lab.ini
 * globs them into the same checks.
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

#define MAX_THREADS 64
#define OPS_PER_TEST 16000 /* shared out among the threads of one test */
#define NACCOUNTS 4

/* One thread's orders and its report. */
struct teller {
    pthread_t thread;
    pthread_barrier_t *start;
    struct account *accts[NACCOUNTS]; /* the accounts this teller works on */
    int naccts;
    long ops;
    unsigned seed;     /* for rand_r: the amounts */
    long deposited;    /* out: cents deposited */
    long withdrawn;    /* out: cents granted */
    long bad_readings; /* out: balances seen outside [low, high] */
    long low, high;    /* bounds a reader checks */
};

static void *random_worker(void *arg)
{
    struct teller *t = arg;
    pthread_barrier_wait(t->start);
    for (long i = 0; i < t->ops; i++) {
        struct account *acct = t->accts[i % t->naccts];
        long cents = 1 + rand_r(&t->seed) % 9;
        if (rand_r(&t->seed) % 2) {
            account_deposit(acct, cents);
            t->deposited += cents;
        } else if (account_withdraw(acct, cents)) {
            t->withdrawn += cents;
        }
    }
    return NULL;
}

static void *drain_worker(void *arg)
{
    struct teller *t = arg;
    pthread_barrier_wait(t->start);
    for (;;) {
        long cents = 1 + rand_r(&t->seed) % 5;
        if (account_withdraw(t->accts[0], cents)) {
            t->withdrawn += cents;
            continue;
        }
        if (!account_withdraw(t->accts[0], 1)) /* refused even 1 cent: empty */
            break;
        t->withdrawn += 1;
    }
    return NULL;
}

static void *reader_worker(void *arg)
{
    struct teller *t = arg;
    pthread_barrier_wait(t->start);
    for (long i = 0; i < t->ops; i++) {
        long b = account_balance(t->accts[0]);
        if (b < t->low || b > t->high)
            t->bad_readings++;
    }
    return NULL;
}

static void *deposit_one_worker(void *arg)
{
    struct teller *t = arg;
    pthread_barrier_wait(t->start);
    for (long i = 0; i < t->ops; i++) {
        account_deposit(t->accts[0], 1);
        t->deposited++;
    }
    return NULL;
}

/* Runs the n tellers, teller i with fns[i]. */
static void run_tellers(struct teller *tellers, int n, void *(**fns)(void *))
{
    pthread_barrier_t start;
    assert_int_equal(pthread_barrier_init(&start, NULL, (unsigned)n), 0);
    for (int i = 0; i < n; i++) {
        tellers[i].start = &start;
        assert_int_equal(pthread_create(&tellers[i].thread, NULL, fns[i], &tellers[i]), 0);
    }
    for (int i = 0; i < n; i++)
        assert_int_equal(pthread_join(tellers[i].thread, NULL), 0);
    pthread_barrier_destroy(&start);
}

/* Random deposits and withdrawals over several accounts: money is conserved. */
static void deposits_and_withdrawals_conserve_money(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    unsigned seed = racelab_seed(1);
    struct account *accts[NACCOUNTS];
    struct teller tellers[MAX_THREADS] = {0};
    void *(*fns[MAX_THREADS])(void *);
    long initial = 1000;

    for (int a = 0; a < NACCOUNTS; a++) {
        accts[a] = account_open(initial);
        assert_non_null(accts[a]);
    }
    for (int i = 0; i < n; i++) {
        tellers[i] = (struct teller){.ops = OPS_PER_TEST / n, .seed = seed * 977u + (unsigned)i};
        tellers[i].naccts = 1 + i % NACCOUNTS;
        for (int a = 0; a < tellers[i].naccts; a++)
            tellers[i].accts[a] = accts[(i + a) % NACCOUNTS];
        fns[i] = random_worker;
    }

    run_tellers(tellers, n, fns);

    long in = 0, out = 0, held = 0;
    for (int i = 0; i < n; i++) {
        in += tellers[i].deposited;
        out += tellers[i].withdrawn;
    }
    for (int a = 0; a < NACCOUNTS; a++) {
        long b = account_balance(accts[a]);
        if (b < 0)
            racelab_fail("account %d is overdrawn: %ld cents", a, b);
        held += b;
        account_close(accts[a]);
    }
    if (held != NACCOUNTS * initial + in - out)
        racelab_fail("the accounts hold %ld cents, but %ld opened + %ld deposited - %ld withdrawn "
                     "= %ld",
                     held, NACCOUNTS * initial, in, out, NACCOUNTS * initial + in - out);
}

/* Random-sized withdrawals until empty: exactly the balance is paid, never more. */
static void withdrawals_of_random_amounts_pay_out_exactly_the_balance(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    unsigned seed = racelab_seed(1);
    long initial = 3 * OPS_PER_TEST / 4;
    struct account *acct = account_open(initial);
    assert_non_null(acct);
    struct teller tellers[MAX_THREADS] = {0};
    void *(*fns[MAX_THREADS])(void *);
    for (int i = 0; i < n; i++) {
        tellers[i] = (struct teller){.seed = seed + 31u * (unsigned)i, .naccts = 1};
        tellers[i].accts[0] = acct;
        fns[i] = drain_worker;
    }

    run_tellers(tellers, n, fns);

    long paid = 0;
    for (int i = 0; i < n; i++)
        paid += tellers[i].withdrawn;
    long left = account_balance(acct);
    if (paid != initial || left != 0)
        racelab_fail("%ld cents were in the account: %ld were paid out and %ld are left", initial,
                     paid, left);
    account_close(acct);
}

/* Readers watch the balance while depositors raise it: every reading is plausible. */
static void deposits_are_seen_consistently_by_readers(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    int ndeposit = n / 2;
    long ops = OPS_PER_TEST / n;
    struct account *acct = account_open(0);
    assert_non_null(acct);
    struct teller tellers[MAX_THREADS] = {0};
    void *(*fns[MAX_THREADS])(void *);
    for (int i = 0; i < n; i++) {
        tellers[i] = (struct teller){.ops = ops, .naccts = 1, .low = 0, .high = ops * ndeposit};
        tellers[i].accts[0] = acct;
        fns[i] = i < ndeposit ? deposit_one_worker : reader_worker;
    }

    run_tellers(tellers, n, fns);

    long bad = 0;
    for (int i = ndeposit; i < n; i++)
        bad += tellers[i].bad_readings;
    long balance = account_balance(acct);
    if (bad)
        racelab_fail("%ld balance readings were outside [0, %ld]", bad, ops * ndeposit);
    if (balance != ops * ndeposit)
        racelab_fail("%d threads deposited %ld cents, the balance is %ld", ndeposit, ops * ndeposit,
                     balance);
    account_close(acct);
}

/* Opening and closing many accounts in a row works (no state shared between accounts). */
static void account_open_and_close_many(void **state)
{
    (void)state;
    for (int i = 0; i < 1000; i++) {
        struct account *acct = account_open(i);
        assert_non_null(acct);
        account_deposit(acct, 1);
        assert_true(account_withdraw(acct, i + 1));
        assert_false(account_withdraw(acct, 1));
        assert_int_equal(account_balance(acct), 0);
        account_close(acct);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(account_open_and_close_many),
        cmocka_unit_test(deposits_and_withdrawals_conserve_money),
        cmocka_unit_test(withdrawals_of_random_amounts_pay_out_exactly_the_balance),
        cmocka_unit_test(deposits_are_seen_consistently_by_readers),
    };
    return cmocka_run_group_tests_name("bank_hidden", tests, NULL, NULL);
}
