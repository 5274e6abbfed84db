/*
 * logpipe.h - a log-processing pipeline of worker processes (fixed: do not change this file).
 *
 * Log processing is a chain of small programs, as in a shell pipeline:
 *
 *     generate | keep errors | number the lines | ... | the parent
 *
 * logpipe_run() forks one worker process per stage and connects them with
 * pipes: the output of stage i is the input of stage i + 1, and the output
 * of the last stage goes to the parent, which collects all of it. A stage
 * typically reads its input until end-of-file, so each stage only finishes
 * once every stage before it has finished.
 *
 * Ownership: the stages and their arguments stay the caller's. The buffer
 * returned in *output is a new allocation owned by the caller, who frees it
 * with free(). logpipe_run() leaves no trace in the calling process when it
 * returns: no child process (running or zombie) and no open file
 * descriptor that it created.
 */
#ifndef LOGPIPE_H
#define LOGPIPE_H

#include <stddef.h>

#define LOGPIPE_MAX_STAGES 16 /* most stages in one pipeline */

/*
 * One stage's work, run in a worker process of its own. It reads its input
 * from file descriptor `in` until end-of-file (the first stage has no input:
 * its `in` is -1), writes its output to file descriptor `out`, and returns
 * 0 on success or nonzero on failure. It closes neither descriptor.
 */
typedef int (*log_stage_fn)(int in, int out, void *arg);

struct log_stage {
    log_stage_fn run;
    void *arg; /* passed to run */
};

/*
 * Runs stages[0] | stages[1] | ... | stages[nstages - 1], every stage in its
 * own worker process, all at the same time. The parent reads everything the
 * last stage writes, until end-of-file, into a new NUL-terminated buffer:
 * *output points to it and *len is its length without the NUL.
 *
 * Returns 0 once every stage has exited successfully (its run returned 0).
 * Otherwise returns -1 with errno set, *output NULL and *len 0: EINVAL
 * unless 1 <= nstages <= LOGPIPE_MAX_STAGES; EIO if a stage failed or was
 * killed; the errno of a failed pipe(), fork() or read() otherwise. Every
 * worker that was started has been waited for, whatever the result.
 */
int logpipe_run(const struct log_stage *stages, int nstages, char **output, size_t *len);

#endif
