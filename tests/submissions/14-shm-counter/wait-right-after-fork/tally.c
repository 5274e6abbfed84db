/*
 * What the student tried: the reference tally (a process-shared mutex in
 * the mapping), but tally_count() waits for each counting process right
 * after forking it, before forking the next. "If they never run at the same
 * time, they can't lose votes." Every count is exact and nothing is left
 * behind, but the processes count one after another: the parallel check is
 * lost.
 */
#include "tally.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct tally {
    pthread_mutex_t lock;         /* process-shared; guards votes and total */
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
    pthread_mutexattr_t attr;
    int rc = pthread_mutexattr_init(&attr);
    if (rc == 0) {
        rc = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
        if (rc == 0)
            rc = pthread_mutex_init(&t->lock, &attr);
        pthread_mutexattr_destroy(&attr);
    }
    if (rc != 0) {
        munmap(t, sizeof *t);
        errno = rc;
        return NULL;
    }
    return t; /* the counts start at zero: a new anonymous mapping is zero-filled */
}

void tally_destroy(struct tally *t)
{
    pthread_mutex_destroy(&t->lock);
    munmap(t, sizeof *t);
}

void tally_vote(struct tally *t, int candidate)
{
    pthread_mutex_lock(&t->lock);
    t->votes[candidate]++;
    t->total++;
    pthread_mutex_unlock(&t->lock);
}

void tally_read(struct tally *t, long votes[TALLY_CANDIDATES], long *total)
{
    pthread_mutex_lock(&t->lock);
    for (int c = 0; c < TALLY_CANDIDATES; c++)
        votes[c] = t->votes[c];
    *total = t->total;
    pthread_mutex_unlock(&t->lock);
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
    for (; started < nworkers; started++) {
        pid_t pid = fork();
        if (pid < 0) {
            err = errno;
            break;
        }
        if (pid == 0)
            count_share(t, started, ballots, nworkers, read_ballot, arg);
        pids[started] = pid;
        if (!reap(pids[started]) && !err) /* wait for this one before forking the next */
            err = EIO;
    }
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}
