/*
 * logpipe.c - run a log-processing pipeline of worker processes (this is the file you change).
 *
 * One pipe per stage carries that stage's output: pipe i from stage i to
 * stage i + 1, and the last one to the parent. The pipes are made first,
 * then one worker is forked per stage, and the parent reads the last pipe
 * until end-of-file. The output all arrives... and then logpipe_run() never
 * returns. And every run leaves its workers behind as zombies.
 *
 * Your job: make every process close the pipe ends it doesn't use, so that
 * end-of-file reaches each reader once the writers before it are done, and
 * wait for every worker. You may change anything in this file; keep
 * logpipe_run() behaving as logpipe.h documents. logpipe.h and the tests
 * stay as they are.
 */
#include "logpipe.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

int logpipe_run(const struct log_stage *stages, int nstages, char **output, size_t *len)
{
    *output = NULL;
    *len = 0;
    if (nstages < 1 || nstages > LOGPIPE_MAX_STAGES) {
        errno = EINVAL;
        return -1;
    }

    int fds[LOGPIPE_MAX_STAGES][2]; /* pipe i carries stage i's output */
    for (int i = 0; i < nstages; i++)
        if (pipe(fds[i]) < 0)
            return -1;

    for (int i = 0; i < nstages; i++) {
        pid_t pid = fork();
        if (pid < 0)
            return -1;
        if (pid == 0) { /* worker i: read pipe i - 1, write pipe i */
            int in = i > 0 ? fds[i - 1][0] : -1;
            int rc = stages[i].run(in, fds[i][1], stages[i].arg);
            _exit(rc == 0 ? 0 : 1); /* never return into the caller's code */
        }
        /* the workers finish on their own */
    }

    /* Read everything the last stage writes; read() returns 0 at end-of-file. */
    int from_last = fds[nstages - 1][0];
    size_t capacity = 4096, used = 0;
    char *buf = malloc(capacity);
    if (!buf)
        return -1;
    for (;;) {
        if (used + 1 == capacity) {
            char *bigger = realloc(buf, 2 * capacity);
            if (!bigger) {
                free(buf);
                return -1;
            }
            buf = bigger;
            capacity *= 2;
        }
        ssize_t n = read(from_last, buf + used, capacity - used - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            free(buf);
            return -1;
        }
        if (n == 0)
            break; /* end-of-file: the last stage is done */
        used += (size_t)n;
    }
    buf[used] = '\0';
    *output = buf;
    *len = used;
    return 0;
}
