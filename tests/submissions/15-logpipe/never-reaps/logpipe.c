/*
 * What the student tried: the reference's pipe handling (every process
 * closes the ends it doesn't use, the parent reads the last pipe to
 * end-of-file), but no waitpid: "end-of-file means every worker is done, so
 * there is nothing to wait for". The output arrives complete and the stages
 * run at once, but every worker is left behind as a zombie, and a stage
 * that fails goes unnoticed (its exit status is never collected).
 */
#include "logpipe.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

/* Closes both ends of pipes[0 .. n-1], except the descriptors keep_a and keep_b (-1: none). */
static void close_pipes_except(int pipes[][2], int n, int keep_a, int keep_b)
{
    for (int i = 0; i < n; i++)
        for (int end = 0; end < 2; end++)
            if (pipes[i][end] != keep_a && pipes[i][end] != keep_b)
                close(pipes[i][end]);
}

/* Reads fd to end-of-file into a new NUL-terminated buffer; retries EINTR.
 * Returns the buffer (its length in *len), or NULL with errno set. */
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

    int pipes[LOGPIPE_MAX_STAGES][2]; /* pipe i carries stage i's output */
    int made = 0, started = 0, err = 0;
    for (; made < nstages; made++)
        if (pipe(pipes[made]) < 0) {
            err = errno;
            close_pipes_except(pipes, made, -1, -1);
            errno = err;
            return -1;
        }

    for (; started < nstages; started++) {
        pid_t pid = fork();
        if (pid < 0) {
            err = errno;
            break;
        }
        if (pid == 0) { /* worker i: read pipe i - 1, write pipe i, nothing else */
            int i = started;
            int in = i > 0 ? pipes[i - 1][0] : -1;
            int out = pipes[i][1];
            close_pipes_except(pipes, nstages, in, out);
            int rc = stages[i].run(in, out, stages[i].arg);
            _exit(rc == 0 ? 0 : 1); /* never return into the caller's code */
        }
    }

    /* The parent keeps only the read end of the last pipe. After a failed
     * fork, it keeps nothing: with every end closed, the workers already
     * started see end-of-file or EPIPE and finish. */
    int from_last = err ? -1 : pipes[nstages - 1][0];
    close_pipes_except(pipes, nstages, from_last, -1);
    char *buf = NULL;
    if (!err && !(buf = read_to_eof(from_last, len)))
        err = errno;
    if (from_last >= 0)
        close(from_last);

    /* end-of-file means every worker has finished: nothing left to do */
    if (err) {
        free(buf);
        *len = 0;
        errno = err;
        return -1;
    }
    *output = buf;
    return 0;
}
