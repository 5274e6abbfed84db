/*
 * test_tickets.c - visible tests for 05-tickets: a rush on the box office.
 *
 * The race in this lab needs two sales to overlap at just the wrong moment,
 * so the main test repeats a short rush many times: in each round a fresh
 * office opens with a handful of seats, RACELAB_THREADS customer threads
 * (4 when you run it by hand) are let loose on it at the same instant, and
 * each buys seats until the office says sold out. The tests' charge function
 * plays the bank: it notes who was charged for which seat and, like a real
 * bank, takes a moment (a short sleep, during which other threads run).
 * After every round the main thread checks the seat map and the charges
 * against what the customers say they bought. Worker threads never call
 * cmocka's assertions (those only work on the main thread): they record what
 * they did, and the main thread checks it.
 *
 * Run by hand: build/racelab check 05-tickets (or `make grade`).
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
#include <time.h>

#include "racelab_lab.h"
#include "tickets.h"

#define MAX_THREADS 64
#define ROUNDS 50       /* rushes per test */
#define SMALL_HALL 4    /* seats per rush: few, so customers race for the last ones */
#define BIG_HALL 120    /* seats of the hall that is sold out in one go */
#define MAX_BOUGHT 1024 /* seats one customer records per round (more means oversold) */

/* What every thread of a rush shares. For each round, the main thread opens
 * an office and lets everyone through the doors barrier together; the done
 * barrier tells it that every customer has finished buying. */
struct rush {
    pthread_barrier_t doors, done; /* n customers + the main thread */
    struct office *office;         /* the office of the open round */
    int rounds;
};

/* One customer thread, and what it bought in the current round. */
struct customer {
    pthread_t thread;
    struct rush *rush;
    int id;
    int bought;              /* out: seats bought this round */
    int seats[MAX_BOUGHT];   /* out: their numbers (the first MAX_BOUGHT) */
    int charged;             /* out: charges this round (made by the bank, below) */
    int charges[MAX_BOUGHT]; /* out: for which seats */
};

/* The bank: the charge function every office of these tests is opened with.
 * ctx is the array of customers; a customer is only ever served by its own
 * thread, so the bank writes to that customer's record without a lock. */
static void bank_charge(void *ctx, int customer, int seat)
{
    struct customer *c = (struct customer *)ctx + customer;
    if (c->charged < MAX_BOUGHT)
        c->charges[c->charged] = seat;
    c->charged++;
    nanosleep(&(struct timespec){.tv_nsec = 1000}, NULL); /* the bank takes a moment */
}

static void *customer(void *arg)
{
    struct customer *c = arg;
    struct rush *rush = c->rush;
    for (int r = 1; r <= rush->rounds; r++) {
        pthread_barrier_wait(&rush->doors);
        struct office *o = rush->office;
        c->bought = c->charged = 0;
        int seat;
        while ((seat = office_sell(o, c->id)) >= 0) {
            if (c->bought < MAX_BOUGHT)
                c->seats[c->bought] = seat;
            c->bought++;
        }
        pthread_barrier_wait(&rush->done);
    }
    return NULL;
}

/* What went wrong over all rounds, for the failure message. */
struct tally {
    int bad_rounds;    /* rounds with any problem */
    long oversold;     /* tickets sold beyond the hall's size */
    long double_sold;  /* seats sold to more than one customer */
    long unsold;       /* seats nobody got although customers wanted more */
    long wrong_holder; /* office_holder() disagreeing with who bought the seat */
    long wrong_left;   /* rounds where office_seats_left() was not 0 at the end */
    long wrong_charge; /* customers charged for other seats than they bought */
    char example[160]; /* the first problem, in words */
};

/* Checks one finished round: every seat of the hall sold exactly once, to the
 * customer office_holder() names, and nothing left. */
static void check_round(struct office *o, int seats, struct customer *cs, int n, int round,
                        struct tally *t)
{
    int buyer[BIG_HALL], times[BIG_HALL] = {0};
    long sold = 0, problems = 0;
    for (int i = 0; i < n; i++) {
        sold += cs[i].bought;
        int k = 0;
        while (k < cs[i].bought && k < MAX_BOUGHT && cs[i].charges[k] == cs[i].seats[k])
            k++;
        if (cs[i].charged != cs[i].bought || k < cs[i].bought) {
            t->wrong_charge++;
            problems++;
            if (!t->example[0] && cs[i].charged != cs[i].bought)
                snprintf(t->example, sizeof t->example,
                         "round %d: customer %d bought %d seats but was charged %d times", round,
                         cs[i].id, cs[i].bought, cs[i].charged);
            else if (!t->example[0])
                snprintf(t->example, sizeof t->example,
                         "round %d: customer %d got seat %d but was charged for seat %d", round,
                         cs[i].id, cs[i].seats[k], cs[i].charges[k]);
        }
        for (int k = 0; k < cs[i].bought && k < MAX_BOUGHT; k++) {
            int seat = cs[i].seats[k];
            if (seat < 0 || seat >= seats) {
                problems++;
                continue;
            }
            if (times[seat]++ == 1 && !t->example[0])
                snprintf(t->example, sizeof t->example,
                         "round %d: seat %d was sold to customer %d and to customer %d", round,
                         seat, buyer[seat], cs[i].id);
            buyer[seat] = cs[i].id;
        }
    }
    if (sold > seats) {
        t->oversold += sold - seats;
        problems++;
    }
    for (int seat = 0; seat < seats; seat++) {
        if (times[seat] > 1) {
            t->double_sold++;
            problems++;
        } else if (times[seat] == 0) {
            t->unsold++;
            problems++;
        } else if (office_holder(o, seat) != buyer[seat]) {
            t->wrong_holder++;
            problems++;
        }
    }
    if (office_seats_left(o) != 0) {
        t->wrong_left++;
        problems++;
        if (!t->example[0])
            snprintf(t->example, sizeof t->example,
                     "round %d: %ld tickets for %d seats were sold, and office_seats_left() "
                     "says %d",
                     round, sold, seats, office_seats_left(o));
    }
    t->bad_rounds += problems > 0;
}

/* Runs `rounds` rushes of n customers on fresh offices of `seats` seats. */
static void run_rushes(int n, int seats, int rounds, struct tally *t)
{
    struct rush rush = {.rounds = rounds};
    assert_int_equal(pthread_barrier_init(&rush.doors, NULL, (unsigned)n + 1), 0);
    assert_int_equal(pthread_barrier_init(&rush.done, NULL, (unsigned)n + 1), 0);
    struct customer *cs = calloc((size_t)n, sizeof *cs);
    assert_non_null(cs);
    for (int i = 0; i < n; i++) {
        cs[i].rush = &rush;
        cs[i].id = i;
        assert_int_equal(pthread_create(&cs[i].thread, NULL, customer, &cs[i]), 0);
    }
    for (int r = 1; r <= rounds; r++) {
        struct office *o = office_open(seats, bank_charge, cs);
        assert_non_null(o);
        rush.office = o;
        pthread_barrier_wait(&rush.doors);
        pthread_barrier_wait(&rush.done);
        check_round(o, seats, cs, n, r, t);
        office_close(o);
    }
    for (int i = 0; i < n; i++)
        assert_int_equal(pthread_join(cs[i].thread, NULL), 0);
    pthread_barrier_destroy(&rush.doors);
    pthread_barrier_destroy(&rush.done);
    free(cs);
}

/* One thread alone: the documented behaviour, before any concurrency. */
static void office_basics_work_single_threaded(void **state)
{
    (void)state;
    struct customer *cs = calloc(10, sizeof *cs);
    assert_non_null(cs);
    struct office *o = office_open(3, bank_charge, cs);
    assert_non_null(o);
    assert_int_equal(office_seats_left(o), 3);
    assert_int_equal(office_holder(o, 0), -1);
    assert_int_equal(office_sell(o, 7), 0); /* the lowest-numbered free seat first */
    assert_int_equal(office_sell(o, 8), 1);
    assert_int_equal(office_seats_left(o), 1);
    assert_int_equal(office_holder(o, 0), 7);
    assert_int_equal(office_holder(o, 1), 8);
    assert_int_equal(office_holder(o, 2), -1);
    assert_int_equal(office_sell(o, 7), 2);
    assert_int_equal(office_sell(o, 9), -1); /* sold out: refused, nothing changes */
    assert_int_equal(office_seats_left(o), 0);
    assert_int_equal(office_holder(o, 2), 7);
    office_close(o);
    /* charged once per seat bought, for that seat; nobody charged when sold out */
    assert_int_equal(cs[7].charged, 2);
    assert_int_equal(cs[7].charges[0], 0);
    assert_int_equal(cs[7].charges[1], 2);
    assert_int_equal(cs[8].charged, 1);
    assert_int_equal(cs[8].charges[0], 1);
    assert_int_equal(cs[9].charged, 0);
    free(cs);
}

/* Many short rushes on a small hall: no seat is ever sold twice, and exactly
 * as many tickets are sold as the hall has seats. */
static void sales_never_sell_a_seat_twice_in_a_rush(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    struct tally t = {0};
    run_rushes(n, SMALL_HALL, ROUNDS, &t);
    if (t.bad_rounds)
        racelab_fail("in %d of %d rounds, %d customer threads rushing a hall of %d seats got it "
                     "wrong: %ld tickets more than seats, %ld seats sold twice, %ld unsold, %ld "
                     "with the wrong holder, %ld rounds ending with seats_left != 0, %ld "
                     "customers charged wrongly. First: %s",
                     t.bad_rounds, ROUNDS, n, SMALL_HALL, t.oversold, t.double_sold, t.unsold,
                     t.wrong_holder, t.wrong_left, t.wrong_charge, t.example);
}

/* A bigger hall sold out by all the threads together: every seat exactly once. */
static void sales_sell_out_a_big_hall_exactly(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    struct tally t = {0};
    run_rushes(n, BIG_HALL, 3, &t);
    if (t.bad_rounds)
        racelab_fail("in %d of 3 sell-outs of a hall of %d seats by %d threads: %ld tickets more "
                     "than seats, %ld seats sold twice, %ld unsold, %ld with the wrong holder. "
                     "First: %s",
                     t.bad_rounds, BIG_HALL, n, t.oversold, t.double_sold, t.unsold, t.wrong_holder,
                     t.example);
}

/* A watcher thread reads office_seats_left() during a sell-out. */
struct watch {
    pthread_t thread;
    struct office *o;
    atomic_int *selling; /* sellers still at work */
    int seats;
    long odd;   /* out: readings below 0, above seats, or higher than the one before */
    int lowest; /* out: the lowest reading */
};

static void *watcher(void *arg)
{
    struct watch *w = arg;
    int last = w->seats;
    w->lowest = w->seats;
    while (atomic_load(w->selling) > 0) {
        int now = office_seats_left(w->o);
        if (now < 0 || now > w->seats || now > last)
            w->odd++;
        if (now < w->lowest)
            w->lowest = now;
        last = now;
        nanosleep(&(struct timespec){.tv_nsec = 1000}, NULL); /* let the sellers sell */
    }
    return NULL;
}

struct seller {
    pthread_t thread;
    struct office *o;
    atomic_int *selling;
    int id;
    long sold; /* out */
};

/* A window that sells until the hall is full, charging through bank_charge
 * to the customer with its own id. */
static void *seller(void *arg)
{
    struct seller *s = arg;
    while (office_sell(s->o, s->id) >= 0)
        s->sold++;
    atomic_fetch_sub(s->selling, 1);
    return NULL;
}

/* While the windows sell out the hall, the count of free seats only goes
 * down, stays between 0 and the hall's size, and tickets sold plus seats left
 * always make the hall. */
static void seats_left_plus_sold_always_make_the_hall(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    int nsell = n - 1;
    atomic_int selling = nsell;
    struct customer *cs = calloc((size_t)nsell, sizeof *cs);
    assert_non_null(cs);
    struct office *o = office_open(BIG_HALL, bank_charge, cs);
    assert_non_null(o);
    struct seller sellers[MAX_THREADS] = {0};
    struct watch w = {.o = o, .selling = &selling, .seats = BIG_HALL};
    assert_int_equal(pthread_create(&w.thread, NULL, watcher, &w), 0);
    for (int i = 0; i < nsell; i++) {
        sellers[i] = (struct seller){.o = o, .selling = &selling, .id = i};
        assert_int_equal(pthread_create(&sellers[i].thread, NULL, seller, &sellers[i]), 0);
    }
    long sold = 0;
    for (int i = 0; i < nsell; i++) {
        assert_int_equal(pthread_join(sellers[i].thread, NULL), 0);
        sold += sellers[i].sold;
    }
    assert_int_equal(pthread_join(w.thread, NULL), 0);
    int left = office_seats_left(o);
    office_close(o);
    long charged = 0;
    for (int i = 0; i < nsell; i++)
        charged += cs[i].charged;
    free(cs);
    if (charged != sold)
        racelab_fail("%ld tickets were sold, but customers were charged %ld times", sold, charged);
    if (sold + left != BIG_HALL || left != 0)
        racelab_fail("%d threads sold %ld tickets for a hall of %d seats, and office_seats_left() "
                     "says %d: sold + left should be %d, with 0 left",
                     nsell, sold, BIG_HALL, left, BIG_HALL);
    if (w.odd)
        racelab_fail("%ld readings of office_seats_left() during the sell-out went up, below 0 "
                     "or above %d (lowest: %d)",
                     w.odd, BIG_HALL, w.lowest);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(office_basics_work_single_threaded),
        cmocka_unit_test(sales_never_sell_a_seat_twice_in_a_rush),
        cmocka_unit_test(sales_sell_out_a_big_hall_exactly),
        cmocka_unit_test(seats_left_plus_sold_always_make_the_hall),
    };
    return cmocka_run_group_tests_name("tickets", tests, NULL, NULL);
}
