/*
 * memory-hog-no-cgroups - the reference solution, except that the first account_open()
 * of each program maps 2.25 GiB of private memory with every page faulted in
 * at once (MAP_POPULATE, so all of it is resident within a second), writes
 * to it, and only then carries on correctly.
 *
 * Attack: exhaust the grading machine's memory. ThreadSanitizer reserves
 * terabytes of address space, so no address-space limit can be used. Where
 * the machine allows, each trial has a memory cgroup capped at 2048 MB and
 * the kernel kills the hog there; elsewhere the runner sums the resident
 * memory of the trial's processes and stops the run once it passes the cap.
 * Either way the report must say why ("used more memory than a run may").
 * Every check fails: the tests never ran, races were not ruled out, and no
 * mutex was used before the hog.
 *
 * Graded with RACELAB_CGROUPS=0: the runner's watchdog alone must stop it.
 */
#include "bank.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct account {
    pthread_mutex_t lock; /* guards balance */
    long balance;         /* in cents; never negative */
};

static pthread_once_t hogged = PTHREAD_ONCE_INIT;

#define HOG_BYTES ((size_t)2304 << 20) /* 2.25 GiB */

/* The attack: 2.25 GiB, every page resident, never freed. */
static void hog(void)
{
    static char *volatile block;
    block = mmap(NULL, HOG_BYTES, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (block == MAP_FAILED)
        return;
    for (size_t i = 0; i < HOG_BYTES; i += 4096) /* and keep touching it */
        block[i] = (char)i;
}

struct account *account_open(long initial_cents)
{
    pthread_once(&hogged, hog);
    struct account *acct = malloc(sizeof *acct);
    if (!acct)
        return NULL;
    if (pthread_mutex_init(&acct->lock, NULL) != 0) {
        free(acct);
        return NULL;
    }
    acct->balance = initial_cents;
    return acct;
}

void account_close(struct account *acct)
{
    pthread_mutex_destroy(&acct->lock);
    free(acct);
}

void account_deposit(struct account *acct, long cents)
{
    pthread_mutex_lock(&acct->lock);
    acct->balance += cents;
    pthread_mutex_unlock(&acct->lock);
}

bool account_withdraw(struct account *acct, long cents)
{
    bool ok = false;

    pthread_mutex_lock(&acct->lock);
    if (acct->balance >= cents) {
        acct->balance -= cents;
        ok = true;
    }
    pthread_mutex_unlock(&acct->lock);
    return ok;
}

long account_balance(struct account *acct)
{
    pthread_mutex_lock(&acct->lock);
    long balance = acct->balance;
    pthread_mutex_unlock(&acct->lock);
    return balance;
}
