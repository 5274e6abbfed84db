/*
 * test_tickets_hidden.c - hidden tests for 05-tickets (instructor only, never handed out).
 *
 * More rushes, in other shapes: a hall of one seat fought over by every
 * thread, customers buying through two offices at once (state kept in
 * globals instead of in struct office would mix the two halls up), and
 * watchers reading the seat map during a sell-out (a seat, once sold, keeps
 * its holder). The bank here takes a moment only for some charges, chosen
 * from the trial's seed. Test names share the visible tests' prefixes.
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
#define ROUNDS 100
#define MAX_BOUGHT 512
#define HALL 120 /* seats of each hall in the two-office and watcher tests */

/* A customer thread and its purchases; charges are noted per office (0 or 1). */
struct customer {
    pthread_t thread;
    int id;
    unsigned seed;             /* which charges make the bank take a moment */
    struct office *offices[2]; /* where this customer buys, alternating */
    int noffices;
    pthread_barrier_t *doors, *done; /* a rush's rounds: start together, report back */
    struct office **open;            /* the office of the open round */
    atomic_int *selling;             /* sellers still at work (sell-out with watchers) */
    int rounds;
    int bought[2];              /* out: seats bought per office */
    int seats[2][MAX_BOUGHT];   /* out */
    int charged[2];             /* out: charges per office */
    int charges[2][MAX_BOUGHT]; /* out */
};

/* The bank: ctx is a struct bank naming the customers and which office this is. */
struct bank {
    struct customer *customers;
    int office; /* 0 or 1 */
};

static void bank_charge(void *ctx, int customer, int seat)
{
    struct bank *b = ctx;
    struct customer *c = &b->customers[customer];
    int k = c->charged[b->office]++;
    if (k < MAX_BOUGHT)
        c->charges[b->office][k] = seat;
    if (rand_r(&c->seed) % 2) /* the bank takes a moment, sometimes */
        nanosleep(&(struct timespec){.tv_nsec = 1000}, NULL);
}

static void buy_until_refused(struct customer *c, struct office *o, int which)
{
    int seat;
    while ((seat = office_sell(o, c->id)) >= 0) {
        int k = c->bought[which]++;
        if (k < MAX_BOUGHT)
            c->seats[which][k] = seat;
    }
}

static void *rush_customer(void *arg)
{
    struct customer *c = arg;
    for (int r = 1; r <= c->rounds; r++) {
        pthread_barrier_wait(c->doors);
        c->bought[0] = c->charged[0] = 0;
        buy_until_refused(c, *c->open, 0);
        pthread_barrier_wait(c->done);
    }
    return NULL;
}

/* Every seat of office `which` went to exactly one customer, who was charged
 * for exactly the seats they got, and the office agrees. Returns the number
 * of problems and describes the first in why. */
static long check_office(struct office *o, int which, int seats, struct customer *cs, int n,
                         char *why, size_t whylen)
{
    static int times[HALL], buyer[HALL];
    long problems = 0, sold = 0;
    for (int s = 0; s < seats; s++)
        times[s] = 0;
    for (int i = 0; i < n; i++) {
        sold += cs[i].bought[which];
        if (cs[i].charged[which] != cs[i].bought[which] && problems++ == 0)
            snprintf(why, whylen, "customer %d bought %d seats and was charged %d times", i,
                     cs[i].bought[which], cs[i].charged[which]);
        for (int k = 0; k < cs[i].bought[which] && k < MAX_BOUGHT; k++) {
            int s = cs[i].seats[which][k];
            if (k < cs[i].charged[which] && cs[i].charges[which][k] != s && problems++ == 0)
                snprintf(why, whylen, "customer %d got seat %d but was charged for seat %d", i, s,
                         cs[i].charges[which][k]);
            if (s < 0 || s >= seats) {
                if (problems++ == 0)
                    snprintf(why, whylen, "customer %d got seat %d of a %d-seat hall", i, s, seats);
                continue;
            }
            if (times[s]++ > 0 && problems++ == 0)
                snprintf(why, whylen, "seat %d was sold to customer %d and to customer %d", s,
                         buyer[s], i);
            buyer[s] = i;
        }
    }
    for (int s = 0; s < seats; s++)
        if (times[s] == 1 && office_holder(o, s) != buyer[s] && problems++ == 0)
            snprintf(why, whylen, "customer %d bought seat %d, but office_holder() says %d",
                     buyer[s], s, office_holder(o, s));
    if ((sold != seats || office_seats_left(o) != 0) && problems++ == 0)
        snprintf(why, whylen, "%ld tickets were sold for %d seats, and office_seats_left() says %d",
                 sold, seats, office_seats_left(o));
    return problems;
}

/* Every thread fights for the one seat of a tiny hall, round after round. */
static void sales_of_a_single_seat_go_to_one_customer(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    unsigned seed = racelab_seed(1);
    pthread_barrier_t doors, done;
    struct office *open = NULL;
    assert_int_equal(pthread_barrier_init(&doors, NULL, (unsigned)n + 1), 0);
    assert_int_equal(pthread_barrier_init(&done, NULL, (unsigned)n + 1), 0);
    struct customer *cs = calloc((size_t)n, sizeof *cs);
    assert_non_null(cs);
    struct bank bank = {.customers = cs, .office = 0};
    for (int i = 0; i < n; i++) {
        cs[i] = (struct customer){.id = i,
                                  .seed = seed * 31u + (unsigned)i,
                                  .doors = &doors,
                                  .done = &done,
                                  .open = &open,
                                  .rounds = ROUNDS};
        assert_int_equal(pthread_create(&cs[i].thread, NULL, rush_customer, &cs[i]), 0);
    }
    int bad = 0;
    char why[200] = "", scratch[200]; /* why: the first problem */
    for (int r = 1; r <= ROUNDS; r++) {
        struct office *o = office_open(1, bank_charge, &bank);
        assert_non_null(o);
        open = o;
        pthread_barrier_wait(&doors);
        pthread_barrier_wait(&done);
        bad += check_office(o, 0, 1, cs, n, why[0] ? scratch : why, sizeof why) > 0;
        office_close(o);
    }
    for (int i = 0; i < n; i++)
        assert_int_equal(pthread_join(cs[i].thread, NULL), 0);
    pthread_barrier_destroy(&doors);
    pthread_barrier_destroy(&done);
    free(cs);
    if (bad)
        racelab_fail("in %d of %d rounds of %d threads buying a 1-seat hall, the sale went "
                     "wrong. First: %s",
                     bad, ROUNDS, n, why);
}

static void *two_office_customer(void *arg)
{
    struct customer *c = arg;
    for (int which = 0; which < c->noffices; which++)
        buy_until_refused(c, c->offices[(which + c->id) % c->noffices], (which + c->id) % 2);
    return NULL;
}

/* Two halls sell out at the same time, each customer buying in both: each
 * hall sells exactly its own seats. */
static void sales_through_two_offices_stay_apart(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    unsigned seed = racelab_seed(1);
    struct customer *cs = calloc((size_t)n, sizeof *cs);
    assert_non_null(cs);
    struct bank banks[2] = {{.customers = cs, .office = 0}, {.customers = cs, .office = 1}};
    struct office *halls[2] = {office_open(HALL, bank_charge, &banks[0]),
                               office_open(HALL / 2, bank_charge, &banks[1])};
    assert_non_null(halls[0]);
    assert_non_null(halls[1]);
    for (int i = 0; i < n; i++) {
        cs[i] = (struct customer){.id = i, .seed = seed + 7u * (unsigned)i, .noffices = 2};
        cs[i].offices[0] = halls[0];
        cs[i].offices[1] = halls[1];
        assert_int_equal(pthread_create(&cs[i].thread, NULL, two_office_customer, &cs[i]), 0);
    }
    for (int i = 0; i < n; i++)
        assert_int_equal(pthread_join(cs[i].thread, NULL), 0);
    char why[200] = "";
    long p0 = check_office(halls[0], 0, HALL, cs, n, why, sizeof why);
    if (p0)
        racelab_fail("the %d-seat hall, sold by %d threads alongside another: %s", HALL, n, why);
    long p1 = check_office(halls[1], 1, HALL / 2, cs, n, why, sizeof why);
    if (p1)
        racelab_fail("the %d-seat hall, sold by %d threads alongside another: %s", HALL / 2, n,
                     why);
    office_close(halls[0]);
    office_close(halls[1]);
    free(cs);
}

/* Watches the seat map during a sell-out: a sold seat keeps its holder, and
 * the number of free seats never rises or leaves [0, HALL]. */
struct watcher {
    pthread_t thread;
    struct office *o;
    atomic_int *selling;
    int ncustomers;
    int seen[HALL]; /* the holder last seen per seat */
    long odd;       /* out */
};

static void *seat_map_watcher(void *arg)
{
    struct watcher *w = arg;
    int *seen = w->seen, last_left = HALL;
    for (int s = 0; s < HALL; s++)
        seen[s] = -1;
    while (atomic_load(w->selling) > 0) {
        for (int s = 0; s < HALL; s += 7) {
            int h = office_holder(w->o, s);
            if (h < -1 || h >= w->ncustomers || (seen[s] >= 0 && h != seen[s]))
                w->odd++;
            seen[s] = h;
        }
        int left = office_seats_left(w->o);
        if (left < 0 || left > HALL || left > last_left)
            w->odd++;
        last_left = left;
        nanosleep(&(struct timespec){.tv_nsec = 1000}, NULL); /* let the sellers sell */
    }
    return NULL;
}

/* Buys until sold out, then counts itself out of the sellers. */
static void *selling_customer(void *arg)
{
    struct customer *c = arg;
    buy_until_refused(c, c->offices[0], 0);
    atomic_fetch_sub(c->selling, 1);
    return NULL;
}

static void seats_sold_keep_their_holder_while_others_buy(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    int nsell = n > 2 ? n - 2 : 1, nwatch = n - nsell;
    unsigned seed = racelab_seed(1);
    atomic_int selling = nsell;
    struct customer *cs = calloc((size_t)nsell, sizeof *cs);
    assert_non_null(cs);
    struct bank bank = {.customers = cs, .office = 0};
    struct office *o = office_open(HALL, bank_charge, &bank);
    assert_non_null(o);
    struct watcher ws[MAX_THREADS] = {0};
    for (int i = 0; i < nwatch; i++) {
        ws[i] = (struct watcher){.o = o, .selling = &selling, .ncustomers = nsell};
        assert_int_equal(pthread_create(&ws[i].thread, NULL, seat_map_watcher, &ws[i]), 0);
    }
    for (int i = 0; i < nsell; i++) {
        cs[i] = (struct customer){.id = i, .seed = seed ^ (unsigned)i, .selling = &selling};
        cs[i].offices[0] = o;
        assert_int_equal(pthread_create(&cs[i].thread, NULL, selling_customer, &cs[i]), 0);
    }
    for (int i = 0; i < nsell; i++)
        assert_int_equal(pthread_join(cs[i].thread, NULL), 0);
    long odd = 0;
    for (int i = 0; i < nwatch; i++) {
        assert_int_equal(pthread_join(ws[i].thread, NULL), 0);
        odd += ws[i].odd;
    }
    char why[200] = "";
    long problems = check_office(o, 0, HALL, cs, nsell, why, sizeof why);
    office_close(o);
    free(cs);
    if (problems)
        racelab_fail("%d threads sold out a %d-seat hall while %d watched: %s", nsell, HALL, nwatch,
                     why);
    if (odd)
        racelab_fail("%ld readings during the sell-out saw a sold seat change hands, or "
                     "office_seats_left() rise or leave [0, %d]",
                     odd, HALL);
}

/* Opening and closing many offices in a row, each sold out by one thread. */
static void office_open_and_close_many(void **state)
{
    (void)state;
    struct customer *cs = calloc(1, sizeof *cs);
    assert_non_null(cs);
    struct bank bank = {.customers = cs, .office = 0};
    for (int seats = 1; seats <= 40; seats++) {
        struct office *o = office_open(seats, bank_charge, &bank);
        assert_non_null(o);
        cs->charged[0] = 0;
        for (int s = 0; s < seats; s++)
            assert_int_equal(office_sell(o, 0), s);
        assert_int_equal(office_sell(o, 0), -1);
        assert_int_equal(cs->charged[0], seats);
        assert_int_equal(office_seats_left(o), 0);
        office_close(o);
    }
    free(cs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(office_open_and_close_many),
        cmocka_unit_test(sales_of_a_single_seat_go_to_one_customer),
        cmocka_unit_test(sales_through_two_offices_stay_apart),
        cmocka_unit_test(seats_sold_keep_their_holder_while_others_buy),
    };
    return cmocka_run_group_tests_name("tickets_hidden", tests, NULL, NULL);
}
