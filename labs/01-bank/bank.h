/*
 * bank.h - the Bank of Threads account API (fixed: do not change this file).
 *
 * An account holds a balance in cents. Many threads (the bank's tellers and
 * ATMs) call these functions on the same account at the same time, so every
 * function must be safe to call concurrently on one account; calls on
 * different accounts never interfere with each other.
 *
 * Ownership: account_open() returns a new account owned by the caller, who
 * releases it with account_close() once no other thread uses it. The
 * structure is opaque: its fields are defined in bank.c, which is yours.
 */
#ifndef BANK_H
#define BANK_H

#include <stdbool.h>

struct account;

/* Opens an account holding initial_cents (>= 0). Returns NULL when out of memory. */
struct account *account_open(long initial_cents);

/* Closes an account. No other thread may be using it, or use it afterwards. */
void account_close(struct account *acct);

/* Adds cents (> 0) to the balance. Never fails. */
void account_deposit(struct account *acct, long cents);

/* Takes cents (> 0) from the balance if the balance holds at least that much,
 * and returns true. Otherwise changes nothing and returns false: the balance
 * never goes below zero. */
bool account_withdraw(struct account *acct, long cents);

/* The balance at one instant between the call and its return. */
long account_balance(struct account *acct);

#endif
