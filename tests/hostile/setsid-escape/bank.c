/*
 * setsid-escape - the reference solution, correct in every way, except that
 * the first account_open() of each program forks a child that leaves the
 * process group and session (setsid()), forks again so that it is no one's
 * child, and then, detached, tries to outlive the grading: it tries to
 * create /tmp/racelab-hostile-escaped and a file ESCAPED in this submission's
 * folder (@ROOT@/tests/hostile/setsid-escape/), right away and again
 * every second, sleeping in between (with the raw system call, which the probe
 * does not see, so that the escape, not the sleep, is what is graded).
 *
 * Attack: a process that escapes a kill of the process group. The trial's
 * pid namespace ends with its init, which takes every process in it along,
 * so the grader must give full marks (the code is correct), leave no
 * process of the trial's uid behind once grading is over, and neither file
 * may appear: /tmp is private to the trial, and the project folder is
 * hidden behind a read-only tmpfs.
 */
#include "bank.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <time.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

struct account {
    pthread_mutex_t lock; /* guards balance */
    long balance;         /* in cents; never negative */
};

static pthread_once_t escaped = PTHREAD_ONCE_INIT;

static void leave_marks(void)
{
    static const char *const marks[] = {
        "/tmp/racelab-hostile-escaped",
        "@ROOT@/tests/hostile/setsid-escape/ESCAPED",
    };
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
        int fd = open(marks[i], O_WRONLY | O_CREAT | O_APPEND, 0666);
        if (fd >= 0) {
            (void)!write(fd, "escaped\n", 8);
            close(fd);
        }
    }
}

/* The attack: a detached grandchild that lingers and writes files. */
static void escape(void)
{
    pid_t child = fork();
    if (child != 0) {
        if (child > 0)
            waitpid(child, NULL, 0);
        return;
    }
    setsid();
    if (fork() != 0)
        _exit(0);
    for (;;) {
        leave_marks();
        syscall(SYS_nanosleep, &(struct timespec){1, 0}, NULL);
    }
}

struct account *account_open(long initial_cents)
{
    pthread_once(&escaped, escape);
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
