/*
 * tickets.c - reference solution for 05-tickets (instructor only).
 *
 * The starter locked each step on its own: "is there a free seat?" in one
 * critical section, "take it" in another, and charged the customer in
 * between. Each step was safe, so ThreadSanitizer saw no data race, but the
 * pair was not: between the check and the act, another thread could find
 * the same seat, and both sold it. The answer to "which seat is free" is
 * only true while the lock is held, so the check and the act that relies on
 * it now happen in ONE critical section.
 *
 * The charge moves after that critical section, outside the lock. Once the
 * seat is recorded as the customer's, nobody else can get it, so there is no
 * hurry; and holding a lock while calling someone else's code (a bank that
 * may take seconds) would make every other window wait, or deadlock if that
 * code ever called back into the office. Holding the lock across the charge
 * would also be correct, just slower.
 *
 * The helper that looks at the seat map is marked _locked and expects the
 * caller to hold o->lock; only the public functions take the lock.
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
