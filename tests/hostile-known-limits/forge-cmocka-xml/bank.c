/*
 * forge-cmocka-xml - the reference solution with one real bug (every
 * account drops its 1000th deposit, so the deposit tests fail in every
 * run), plus a destructor that runs after cmocka has written its XML
 * report and rewrites it: it reads the file named by CMOCKA_XML_FILE (the
 * trial folder is writable by the trial's user, who owns the file), cuts
 * every <failure>...</failure> element, and sets failures="0".
 *
 * Attack: test verdicts come from cmocka's XML file, never from the output;
 * but cmocka runs inside the student's process, so the student's code can
 * write that file too. The grader must still fail balance-correct: the
 * verdicts must come from somewhere the student's code cannot write (for
 * example cmocka's XML streamed through a pipe or descriptor the grader
 * holds, checked against the test list, or the file checked for being
 * written before the program's exit). race-free and uses-a-mutex pass.
 */
#include "bank.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct account {
    pthread_mutex_t lock; /* guards balance and deposits */
    long balance;         /* in cents; never negative */
    long deposits;        /* deposits made, to drop the 1000th */
};

/* Copies s to out without any <failure>...</failure>, and with every
 * failures="N" made failures="0". */
static void clean_report(const char *s, FILE *out)
{
    while (*s) {
        if (strncmp(s, "<failure>", 9) == 0) {
            const char *end = strstr(s, "</failure>");
            if (end) {
                s = end + 10;
                continue;
            }
        }
        if (strncmp(s, "failures=\"", 10) == 0) {
            fputs("failures=\"0\"", out);
            s = strchr(s + 10, '"');
            s = s ? s + 1 : s + strlen(s);
            continue;
        }
        fputc(*s++, out);
    }
}

/* The attack: after the tests, the report says they all passed. */
__attribute__((destructor)) static void forge_report(void)
{
    const char *path = getenv("CMOCKA_XML_FILE");
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f)
        return;
    static char text[1 << 20];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    f = fopen(path, "w");
    if (!f)
        return;
    clean_report(text, f);
    fclose(f);
}

struct account *account_open(long initial_cents)
{
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
