/*
 * logpipe.c - reference solution for 15-logpipe (instructor only).
 *
 * A reader sees end-of-file only when every write end of its pipe is
 * closed, in every process that holds one. fork() copies all of the
 * parent's descriptors into the child, so after the forks each pipe end
 * exists in many processes, and one forgotten copy keeps a reader waiting
 * forever: the parent's own copy of the last pipe's write end, or a later
 * worker's inherited copy of an earlier pipe's write end.
 *
 * The rule here: one pipe per stage, all made before forking, and then
 *   - worker i keeps exactly two ends, the read end of pipe i - 1 and the
 *     write end of pipe i, and closes every other end it inherited;
 *   - the parent keeps exactly one, the read end of the last pipe, and
 *     closes all the others as soon as the workers are forked.
 * Then each stage's input ends when the stage before it exits, and the
 * parent's input ends when the last stage exits.
 *
 * The parent reads while the workers run (waiting first would deadlock
 * once the last stage fills its pipe), then waits for every worker:
 * a child that exited stays a zombie, holding a process-table slot,
 * until its parent collects its status. read() and waitpid() are retried
 * on EINTR.
 */
#include "logpipe.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/wait.h>
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

    int pipes[LOGPIPE_MAX_STAGES][2]; /* pipe i carries stage i's output */
    pid_t pids[LOGPIPE_MAX_STAGES];
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
        pids[started] = pid;
    }

    /* The parent keeps only the read end of the last pipe. After a failed
     * fork, it keeps nothing: with every end closed, the workers already
     * started see end-of-file or EPIPE, finish, and are reaped below. */
    int from_last = err ? -1 : pipes[nstages - 1][0];
    close_pipes_except(pipes, nstages, from_last, -1);
    char *buf = NULL;
    if (!err && !(buf = read_to_eof(from_last, len)))
        err = errno;
    if (from_last >= 0)
        close(from_last);

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
