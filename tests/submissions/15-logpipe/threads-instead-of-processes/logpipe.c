/*
 * What the student tried: threads instead of worker processes. Each stage
 * runs in a thread of the caller's process, still connected to the next by
 * a pipe; when a stage returns, its thread closes its pipe ends, so the next
 * stage sees end-of-file. With one copy of every descriptor, none is left
 * open by accident, the output arrives complete, there is no child to reap,
 * and a failing stage is noticed through its thread's result. But the lab
 * asks for forked workers: no fork, no waitpid and a thread per stage lose
 * uses-processes, and no worker process ever runs, so parallel is lost too.
 */
#include "logpipe.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

struct worker {
    pthread_t thread;
    const struct log_stage *stage;
    int in, out; /* in: -1 for the first stage */
    int rc;      /* out: what the stage returned */
};

static void *run_worker(void *arg)
{
    struct worker *w = arg;
    w->rc = w->stage->run(w->in, w->out, w->stage->arg);
    if (w->in >= 0)
        close(w->in);
    close(w->out); /* the only write end: the next stage sees end-of-file */
    return NULL;
}

/* Reads fd to end-of-file into a new NUL-terminated buffer; retries EINTR. */
static char *read_to_eof(int fd, size_t *len)
{
    size_t capacity = 4096, used = 0;
    char *buf = malloc(capacity);
    if (!buf)
        return NULL;
    for (;;) {
        if (used + 1 == capacity) {
            char *bigger = realloc(buf, 2 * capacity);
            if (!bigger)
                goto fail;
            buf = bigger;
            capacity *= 2;
        }
        ssize_t n = read(fd, buf + used, capacity - used - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            goto fail;
        if (n == 0)
            break;
        used += (size_t)n;
    }
    buf[used] = '\0';
    *len = used;
    return buf;
fail:
    free(buf);
    return NULL;
}

int logpipe_run(const struct log_stage *stages, int nstages, char **output, size_t *len)
{
    *output = NULL;
    *len = 0;
    if (nstages < 1 || nstages > LOGPIPE_MAX_STAGES) {
        errno = EINVAL;
        return -1;
    }

    int pipes[LOGPIPE_MAX_STAGES][2];
    struct worker workers[LOGPIPE_MAX_STAGES];
    for (int i = 0; i < nstages; i++)
        if (pipe(pipes[i]) < 0) {
            int err = errno;
            while (i-- > 0) {
                close(pipes[i][0]);
                close(pipes[i][1]);
            }
            errno = err;
            return -1;
        }

    int started = 0, err = 0;
    for (; started < nstages; started++) {
        struct worker *w = &workers[started];
        *w = (struct worker){.stage = &stages[started],
                             .in = started > 0 ? pipes[started - 1][0] : -1,
                             .out = pipes[started][1]};
        int rc = pthread_create(&w->thread, NULL, run_worker, w);
        if (rc != 0) {
            err = rc;
            break;
        }
    }
    if (started < nstages) { /* a thread did not start: close every end no started stage owns */
        if (started > 0)
            close(pipes[started - 1][0]);
        for (int i = started; i < nstages; i++) {
            close(pipes[i][0]);
            close(pipes[i][1]);
        }
    }

    char *buf = NULL;
    if (!err && !(buf = read_to_eof(pipes[nstages - 1][0], len)))
        err = errno;
    if (started == nstages)
        close(pipes[nstages - 1][0]);

    for (int i = 0; i < started; i++) {
        pthread_join(workers[i].thread, NULL);
        if (workers[i].rc != 0 && !err)
            err = EIO;
    }
    if (err) {
        free(buf);
        *len = 0;
        errno = err;
        return -1;
    }
    *output = buf;
    return 0;
}
