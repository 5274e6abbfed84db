/*
 * forge-probe-counts - a correct, race-free, lock-free answer (an atomic
 * fetch-add for deposits, a compare-and-swap loop for withdrawals, as in
 * tests/submissions/01-bank/atomic-cas), which by itself loses exactly the
 * mechanism check: no mutex. A destructor then writes 100000 into the
 * probe's mutex_lock and mutex_unlock counters, in the counter file named
 * by RACELAB_PROBE_FILE (owned and writable by the trial's user), with
 * pwrite(), which the probe does not watch.
 *
 * Attack: forge the counts the mechanism check reads. The probe keeps its
 * counters in a file the student's process must be able to write, so the
 * grader must not trust them blindly (for example: keep the counters where
 * the student cannot name them, check them against a copy the probe sends
 * through a descriptor the grader holds, or at least notice counts that
 * the probe's own totals cannot explain). uses-a-mutex must fail.
 */
#include "bank.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

struct account {
    atomic_long balance; /* in cents; never negative */
};

/* The attack: mutex_lock and mutex_unlock are calls[0] and calls[2] of the
 * probe's file, after its 4-byte magic and 4-byte version. */
__attribute__((destructor)) static void forge_counts(void)
{
    const char *path = getenv("RACELAB_PROBE_FILE");
    int fd = path ? open(path, O_WRONLY) : -1;
    if (fd < 0)
        return;
    uint64_t many = 100000;
    (void)!pwrite(fd, &many, sizeof many, 8);
    (void)!pwrite(fd, &many, sizeof many, 8 + 2 * sizeof many);
    close(fd);
}

struct account *account_open(long initial_cents)
{
    struct account *acct = malloc(sizeof *acct);
    if (!acct)
        return NULL;
    atomic_init(&acct->balance, initial_cents);
    return acct;
}

void account_close(struct account *acct)
{
    free(acct);
}

void account_deposit(struct account *acct, long cents)
{
    atomic_fetch_add(&acct->balance, cents);
}

bool account_withdraw(struct account *acct, long cents)
{
    long old = atomic_load(&acct->balance);
    while (old >= cents)
        if (atomic_compare_exchange_weak(&acct->balance, &old, old - cents))
            return true;
    return false;
}

long account_balance(struct account *acct)
{
    return atomic_load(&acct->balance);
}
