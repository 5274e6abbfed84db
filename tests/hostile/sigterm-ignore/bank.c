/*
 * sigterm-ignore - the reference solution, except that the first
 * account_open() ignores SIGTERM, SIGINT, SIGHUP, SIGQUIT and SIGPIPE and
 * blocks what it can, and every deposit then spins forever.
 *
 * Attack: a hang that shrugs off the polite signals a grader might send at
 * its deadline. The grader must still stop every run at its wall-clock
 * timeout (SIGKILL cannot be ignored), fail the tests, and finish grading
 * within a few timeouts, leaving no process behind. The hang comes before
 * the 100th lock, so every check fails, in every grading.
 */
#include "bank.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

struct account {
    pthread_mutex_t lock; /* guards balance */
    long balance;         /* in cents; never negative */
};

static pthread_once_t hardened = PTHREAD_ONCE_INIT;

/* The attack, part 1: ignore and block every signal that can be. */
static void ignore_signals(void)
{
    static const int sigs[] = {SIGTERM, SIGINT,  SIGHUP,  SIGQUIT,
                               SIGPIPE, SIGUSR1, SIGUSR2, SIGALRM};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], SIG_IGN);
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
}

struct account *account_open(long initial_cents)
{
    pthread_once(&hardened, ignore_signals);
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
    volatile unsigned long spin = 0;
    for (;;) /* the attack, part 2: never return */
        spin++;
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
