/*
 * What the student tried: locking only the code that writes. office_sell()
 * is the reference's one critical section, but office_seats_left() and
 * office_holder() "only read", so they take no lock. An int is read in one
 * instruction here, so the values read are always real ones and the tests
 * pass, but each read is a data race with the locked writes, which
 * ThreadSanitizer reports whenever a watcher reads during a sale.
 */
#include "tickets.h"

#include <pthread.h>
#include <stdlib.h>

struct office {
    pthread_mutex_t lock;     /* guards left and holder[] (the rest never changes) */
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

/* The lowest-numbered unsold seat, or -1 when sold out. Caller holds o->lock. */
static int find_free_seat_locked(struct office *o)
{
    for (int seat = 0; seat < o->seats; seat++)
        if (o->holder[seat] < 0)
            return seat;
    return -1;
}

int office_sell(struct office *o, int customer)
{
    pthread_mutex_lock(&o->lock);
    int seat = find_free_seat_locked(o); /* the check ... */
    if (seat >= 0) {                     /* ... and the act, under the same lock */
        o->holder[seat] = customer;
        o->left--;
    }
    pthread_mutex_unlock(&o->lock);

    if (seat >= 0) /* the seat is the customer's now: charge without holding the lock */
        o->charge(o->ctx, customer, seat);
    return seat;
}

int office_seats_left(struct office *o)
{
    return o->left; /* only reads: no lock needed (wrong) */
}

int office_holder(struct office *o, int seat)
{
    return o->holder[seat]; /* only reads: no lock needed (wrong) */
}
