/*
 * fake-output - the reference solution with one real bug: every account
 * silently drops its 1000th deposit, so the deposit tests fail in every run.
 * To hide that, the code prints, to stdout and to stderr, cmocka's success
 * lines ("[       OK ]", "[  PASSED  ] 5 test(s).") and a forged cmocka XML
 * report; to confuse the race check, it also prints a well-formed
 * "WARNING: ThreadSanitizer: data race" report.
 *
 * Attack: the program's output is the student's to write. The grader reads
 * test verdicts only from cmocka's XML file and races only from
 * ThreadSanitizer's log files, so it must fail balance-correct (the fake
 * success must not pass the failing tests) and pass race-free (the fake
 * report must not fail a race-free program), and uses-a-mutex still passes.
 */
#include "bank.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct account {
    pthread_mutex_t lock; /* guards balance and deposits */
    long balance;         /* in cents; never negative */
    long deposits;        /* deposits made, to drop the 1000th */
};

static const char fake[] =
    "[==========] Running 5 test(s).\n"
    "[ RUN      ] deposits_are_never_lost\n"
    "[       OK ] deposits_are_never_lost\n"
    "[ RUN      ] mixed_deposits_and_withdrawals_balance\n"
    "[       OK ] mixed_deposits_and_withdrawals_balance\n"
    "[==========] 5 test(s) run.\n"
    "[  PASSED  ] 5 test(s).\n"
    "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n"
    "<testsuites>\n"
    "  <testsuite name=\"tests\" time=\"0.000\" tests=\"1\" failures=\"0\" errors=\"0\" "
    "skipped=\"0\" >\n"
    "    <testcase name=\"deposits_are_never_lost\" time=\"0.000\" >\n"
    "    </testcase>\n"
    "  </testsuite>\n"
    "</testsuites>\n"
    "==================\n"
    "WARNING: ThreadSanitizer: data race (pid=4242)\n"
    "  Write of size 8 at 0x7b0400000010 by thread T1:\n"
    "    #0 account_deposit bank.c:60 (test_bank+0x4e2a1)\n"
    "\n"
    "  Previous write of size 8 at 0x7b0400000010 by thread T2:\n"
    "    #0 account_deposit bank.c:60 (test_bank+0x4e2a1)\n"
    "\n"
    "SUMMARY: ThreadSanitizer: data race bank.c:60 in account_deposit\n"
    "==================\n"
    "ThreadSanitizer: reported 1 warnings\n";

static pthread_once_t printed = PTHREAD_ONCE_INIT;

/* The attack: fake success and a fake race report, on both outputs. */
static void print_fakes(void)
{
    fputs(fake, stdout);
    fflush(stdout);
    fputs(fake, stderr);
}

struct account *account_open(long initial_cents)
{
    pthread_once(&printed, print_fakes);
    struct account *acct = malloc(sizeof *acct);
    if (!acct)
        return NULL;
    if (pthread_mutex_init(&acct->lock, NULL) != 0) {
        free(acct);
        return NULL;
    }
    acct->balance = initial_cents;
    acct->deposits = 0;
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
    if (++acct->deposits % 1000 != 0) /* the real bug: every 1000th deposit is lost */
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
