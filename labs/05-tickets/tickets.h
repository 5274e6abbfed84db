/*
 * tickets.h - the box office of the Concert Hall (fixed: do not change this file).
 *
 * An office sells the seats of one concert, numbered 0 .. seats - 1. Many
 * threads sell at once (the box office windows, the web shop, the phone
 * line), each on behalf of customers numbered 0 and up. A seat is sold to at
 * most one customer, ever: the office must never sell more seats than the
 * hall has, nor the same seat twice, and it charges each buyer exactly once
 * for exactly the seat they got.
 *
 * Charging is not the office's own business: whoever opens the office hands
 * it a charge function (the tests bring their own), which office_sell()
 * calls once for every seat it sells.
 *
 * Every function below must be safe to call from any number of threads at
 * the same time on the same office. Offices are independent of each other.
 *
 * Ownership: office_open() returns an office owned by the caller, who
 * releases it with office_close() once no other thread uses it. The
 * structure is opaque: its fields are defined in tickets.c, which is yours.
 */
#ifndef TICKETS_H
#define TICKETS_H

/* Charges customer for seat, on behalf of the office: it talks to the bank,
 * so it may take a while; it cannot fail. It may be called from any thread
 * and must not call back into the office. ctx is what office_open() was given. */
typedef void office_charge_fn(void *ctx, int customer, int seat);

struct office;

/* An office for a hall of seats (>= 1) seats, all unsold, that charges its
 * customers with charge(ctx, ...). NULL when out of memory. */
struct office *office_open(int seats, office_charge_fn *charge, void *ctx);

/* Closes the office. No other thread may be using it, or use it afterwards. */
void office_close(struct office *o);

/* Sells one seat to customer (>= 0): the lowest-numbered seat that is unsold
 * at the moment of the sale. The customer is charged for it with exactly one
 * call charge(ctx, customer, seat), made before office_sell returns. Returns
 * the seat's number, or -1 when every seat is already sold; then nothing
 * changes and nobody is charged. */
int office_sell(struct office *o, int customer);

/* The number of unsold seats, at one instant between the call and its return.
 * Always between 0 and the hall's size, and it never rises: seats are not returned. */
int office_seats_left(struct office *o);

/* The customer who bought seat (0 <= seat < seats), or -1 if it is unsold. */
int office_holder(struct office *o, int seat);

#endif
