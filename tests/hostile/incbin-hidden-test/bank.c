/*
 * incbin-hidden-test - the reference solution, plus the hidden tests'
 * source embedded in the object file at compile time by the assembler
 * (.incbin "test_bank_hidden.c": the build lays the hidden test out beside
 * the student's file, and the assembler resolves the bare name there), and
 * sent into the report at run time: a destructor of the visible test
 * program rewrites cmocka's XML report (CMOCKA_XML_FILE, writable by the
 * trial's user) so that its first test fails with the embedded source as
 * the failure message, which the grader quotes in the check's details.
 *
 * Attack: smuggle the hidden tests out through the compiler and the report,
 * where neither the sandbox's hidden folders nor the deletion of the hidden
 * sources before the runs can help. The grader must refuse: the embedding
 * must fail (compile the student's file where the hidden tests are not),
 * so the build fails and every check scores 0, and no line of the hidden
 * tests may appear in the report.
 */
#include "bank.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct account {
    pthread_mutex_t lock; /* guards balance */
    long balance;         /* in cents; never negative */
};

/* The attack, part 1: the hidden source, NUL-terminated, in .rodata. */
__asm__(".section .rodata\n"
        ".global racelab_smuggled\n"
        "racelab_smuggled:\n"
        ".incbin \"test_bank_hidden.c\"\n"
        ".byte 0\n"
        ".previous\n");
extern const char racelab_smuggled[];

/* The attack, part 2: the visible program's report fails its first test
 * with the hidden source as the message. */
__attribute__((destructor)) static void smuggle(void)
{
    const char *path = getenv("CMOCKA_XML_FILE");
    if (!path || !strstr(path, "test_bank.xml"))
        return;
    static char text[1 << 20];
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    char *first = strstr(text, "<testcase");
    char *end = first ? strchr(first, '>') : NULL;
    if (!end || !(f = fopen(path, "w")))
        return;
    fwrite(text, 1, (size_t)(end + 1 - text), f);
    fprintf(f, "\n      <failure><![CDATA[%s]]></failure>", racelab_smuggled);
    fputs(end + 1, f);
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
