/*
 * What the student tried: check-then-act in two critical sections, patched
 * with a re-check. Like the starter, office_sell() finds a free seat in one
 * critical section, charges, and records the sale in a second one; but the
 * second one now checks that the seat is still free and otherwise starts
 * over with the next free seat. No seat is sold twice any more, yet a
 * customer who lost the race was already charged for a seat they never got
 * (and is charged again for the next one): the books are still wrong, in
 * every rush.
 */
#include "tickets.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct office {
    pthread_mutex_t lock;     /* guards left and holder[] */
    int seats;                /* seats in the hall: 0 .. seats - 1 */
    int left;                 /* seats not yet sold */
    int *holder;              /* holder[seat]: the customer who bought it, or -1 */
    office_charge_fn *charge; /* how customers pay, with its ctx */
    void *ctx;
};

struct office *office_open(int seats, office_charge_fn *charge, void *ctx)
{
    struct office *o = malloc(sizeof *o);
    if (!o)
        return NULL;
    o->holder = malloc((size_t)seats * sizeof *o->holder);
    if (!o->holder || pthread_mutex_init(&o->lock, NULL) != 0) {
        free(o->holder);
        free(o);
        return NULL;
    }
    for (int seat = 0; seat < seats; seat++)
        o->holder[seat] = -1;
    o->seats = seats;
    o->left = seats;
    o->charge = charge;
    o->ctx = ctx;
    return o;
}

void office_close(struct office *o)
{
    pthread_mutex_destroy(&o->lock);
    free(o->holder);
    free(o);
}

/* The lowest-numbered unsold seat, or -1 when the hall is sold out. */
static int find_free_seat(struct office *o)
{
    int found = -1;
    pthread_mutex_lock(&o->lock);
    for (int seat = 0; seat < o->seats && found < 0; seat++)
        if (o->holder[seat] < 0)
            found = seat;
    pthread_mutex_unlock(&o->lock);
    return found;
}

/* Records that customer bought seat, if nobody took it meanwhile; true if so. */
static bool take_seat_if_free(struct office *o, int seat, int customer)
{
    pthread_mutex_lock(&o->lock);
    bool free_still = o->holder[seat] < 0; /* check again: someone may have been faster */
    if (free_still) {
        o->holder[seat] = customer;
        o->left--;
    }
    pthread_mutex_unlock(&o->lock);
    return free_still;
}

int office_sell(struct office *o, int customer)
{
    for (;;) {
        int seat = find_free_seat(o); /* is there a seat? */
        if (seat < 0)
            return -1;                     /* sold out: don't charge anyone */
        o->charge(o->ctx, customer, seat); /* take the money ... */
        if (take_seat_if_free(o, seat, customer)) /* ... then hand over the seat */
            return seat;
        /* someone else got it first: try the next free seat */
    }
}

int office_seats_left(struct office *o)
{
    pthread_mutex_lock(&o->lock);
    int left = o->left;
    pthread_mutex_unlock(&o->lock);
    return left;
}

int office_holder(struct office *o, int seat)
{
    pthread_mutex_lock(&o->lock);
    int customer = o->holder[seat];
    pthread_mutex_unlock(&o->lock);
    return customer;
}
