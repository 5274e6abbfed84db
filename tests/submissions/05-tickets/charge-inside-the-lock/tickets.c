/*
 * What the student tried: one big critical section. office_sell() holds the
 * office's lock from finding the seat, through charging the customer, to
 * recording the sale. Every other window waits while the bank works, so it
 * is slow, but it is correct (the lab's hint allows charging inside the
 * critical section) and earns full marks.
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
    pthread_mutex_lock(&o->lock); /* one big critical section: find, charge, take */
    int seat = find_free_seat_locked(o);
    if (seat >= 0) {
        o->charge(o->ctx, customer, seat);
        o->holder[seat] = customer;
        o->left--;
    }
    pthread_mutex_unlock(&o->lock);
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
