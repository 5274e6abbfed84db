/*
 * tickets.c - the Concert Hall's box office (this is the file you change).
 *
 * The office was made thread-safe in a hurry: every helper that touches the
 * seat map takes the lock, does its one job, and lets go, and nobody holds
 * the lock while the bank is charging a customer. ThreadSanitizer is happy
 * with it, since no seat is ever touched without the lock. And yet on the
 * night of a sold-out concert, two customers turn up with tickets for the
 * same seat, and office_seats_left() says -3.
 *
 * Your job: make office_sell() sell each seat exactly once, however many
 * threads sell at the same time. You may change anything in this file (the
 * struct's fields, the helpers, the function bodies); keep the functions
 * declared in tickets.h behaving as documented there. tickets.h and the
 * tests stay as they are.
 */
#include "tickets.h"

#include <pthread.h>
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

/* Records that customer bought seat. */
static void take_seat(struct office *o, int seat, int customer)
{
    pthread_mutex_lock(&o->lock);
    o->holder[seat] = customer;
    o->left--;
    pthread_mutex_unlock(&o->lock);
}

int office_sell(struct office *o, int customer)
{
    int seat = find_free_seat(o); /* is there a seat? */
    if (seat < 0)
        return -1;                     /* sold out: don't charge anyone */
    o->charge(o->ctx, customer, seat); /* take the money ... */
    take_seat(o, seat, customer);      /* ... then hand over the seat */
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
