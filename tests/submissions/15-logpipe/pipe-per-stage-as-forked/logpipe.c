/*
 * What the student tried: the shell's way instead of the reference's. The
 * reference makes every pipe first and then has each process close all the
 * ends it doesn't use. This one makes each stage's pipe just before forking
 * that stage's worker, and the parent closes each end as soon as the worker
 * that needs it holds its copy: after fork i it closes the previous pipe's
 * read end (stage i's input) and this pipe's write end. So a worker only
 * ever inherits its own input and its own pipe, and closes the one end of
 * that it doesn't use. End-of-file travels down the chain, the parent reads
 * the last pipe while the workers run and reaps every one: full marks.
 */
#include "logpipe.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* Waits for pid, retrying EINTR; true if it exited with status 0. */
static bool reap(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return false;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int logpipe_run(const struct log_stage *stages, int nstages, char **output, size_t *len)
{
    *output = NULL;
    *len = 0;
    if (nstages < 1 || nstages > LOGPIPE_MAX_STAGES) {
        errno = EINVAL;
        return -1;
    }

    pid_t pids[LOGPIPE_MAX_STAGES];
    int started = 0, err = 0;
    int prev = -1; /* the read end of the previous stage's pipe: the next stage's input */
    for (; started < nstages; started++) {
        int p[2]; /* this stage's output, made just before its worker */
        if (pipe(p) < 0) {
            err = errno;
            break;
        }
        pid_t pid = fork();
        if (pid < 0) {
            err = errno;
            close(p[0]);
            close(p[1]);
            break;
        }
        if (pid == 0) { /* the worker holds prev, p[0] and p[1], nothing older */
            close(p[0]);
            int rc = stages[started].run(prev, p[1], stages[started].arg);
            _exit(rc == 0 ? 0 : 1);
        }
        pids[started] = pid;
        if (prev >= 0)
            close(prev); /* the worker has its copy: the parent is done with it */
        close(p[1]);     /* only the worker writes this pipe */
        prev = p[0];
    }
    /* After a failed pipe or fork, the parent closes the last read end too:
     * the workers already started see end-of-file or EPIPE, finish, and are
     * reaped below. */
    char *buf = NULL;
    if (!err && !(buf = read_to_eof(prev, len)))
        err = errno;
    if (prev >= 0)
        close(prev);

    for (int i = 0; i < started; i++)
        if (!reap(pids[i]) && !err)
            err = EIO;
    if (err) {
        free(buf);
        *len = 0;
        errno = err;
        return -1;
    }
    *output = buf;
    return 0;
}
