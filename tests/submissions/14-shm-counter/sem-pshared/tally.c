/*
 * What the student tried: the README's other accepted lock, a
 * process-shared semaphore instead of a process-shared mutex. A sem_t lives
 * inside struct tally (in the MAP_SHARED mapping), made with
 * sem_init(&t->lock, 1, 1): shared between processes, starting unlocked.
 * sem_wait/sem_post around the update and around the copy in tally_read.
 * As correct as the reference: full marks.
 */
#include "tally.h"

#include <errno.h>
#include <semaphore.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct tally {
    sem_t lock;                   /* process-shared, binary: guards votes and total */
    long votes[TALLY_CANDIDATES]; /* votes per candidate */
    long total;                   /* sum of votes[] */
};

struct tally *tally_create(void)
{
    /* MAP_SHARED: after fork(), parent and children see the same memory */
    struct tally *t =
        mmap(NULL, sizeof *t, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (t == MAP_FAILED)
        return NULL;
    if (sem_init(&t->lock, 1, 1) != 0) { /* 1: shared between processes; 1: unlocked */
        int err = errno;
        munmap(t, sizeof *t);
        errno = err;
        return NULL;
    }
    return t; /* the counts start at zero: a new anonymous mapping is zero-filled */
}

void tally_destroy(struct tally *t)
{
    sem_destroy(&t->lock);
    munmap(t, sizeof *t);
}

void tally_vote(struct tally *t, int candidate)
{
    while (sem_wait(&t->lock) != 0) /* only EINTR can fail it here */
        ;
    t->votes[candidate]++;
    t->total++;
    sem_post(&t->lock);
}

void tally_read(struct tally *t, long votes[TALLY_CANDIDATES], long *total)
{
    while (sem_wait(&t->lock) != 0)
        ;
    for (int c = 0; c < TALLY_CANDIDATES; c++)
        votes[c] = t->votes[c];
    *total = t->total;
    sem_post(&t->lock);
}

/* Waits for pid, retrying EINTR; true if it exited with status 0. */
static bool reap(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return false;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* A counting process: every nworkers-th ballot from first on. Never returns. */
_Noreturn static void count_share(struct tally *t, long first, long ballots, int nworkers,
                                  ballot_reader read_ballot, void *arg)
{
    for (long b = first; b < ballots; b += nworkers)
        tally_vote(t, read_ballot(b, arg));
    _exit(0); /* not exit or return: this is a copy of the caller */
}

int tally_count(struct tally *t, long ballots, int nworkers, ballot_reader read_ballot, void *arg)
{
    if (ballots < 0 || nworkers < 1 || nworkers > TALLY_MAX_WORKERS) {
        errno = EINVAL;
        return -1;
    }
    pid_t pids[TALLY_MAX_WORKERS];
    int started = 0, err = 0;
    for (; started < nworkers; started++) { /* fork them all first: they count at once */
        pid_t pid = fork();
        if (pid < 0) {
            err = errno;
            break;
        }
        if (pid == 0)
            count_share(t, started, ballots, nworkers, read_ballot, arg);
        pids[started] = pid;
    }
    for (int i = 0; i < started; i++)
        if (!reap(pids[i]) && !err)
            err = EIO;
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}
