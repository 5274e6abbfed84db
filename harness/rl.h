/*
 * rl.h - the one status type of the racelab harness, and the error record
 * that travels with it.
 *
 * Every function that can fail returns an rl_status and, on failure, fills
 * the caller's rl_err with one line a user can act on (naming the file and
 * the fix). Errors travel up as return values to main.c, which alone decides
 * what the user sees and which exit status follows. No stage calls exit().
 */
#ifndef RL_H
#define RL_H

#include <stdarg.h>
#include <stddef.h>

typedef enum {
    RL_OK = 0,
    RL_ERR_USAGE,      /* bad command line: exit status 2 */
    RL_ERR_NOT_FOUND,  /* unknown lab, missing file */
    RL_ERR_MANIFEST,   /* corrupt lab.ini */
    RL_ERR_SUBMISSION, /* submission unusable (missing or refused files) */
    RL_ERR_TOOLCHAIN,  /* clang or the TSan runtime cannot work */
    RL_ERR_IO,         /* file system or process error */
    RL_ERR_NOMEM,
    RL_ERR_INTERNAL
} rl_status;

/* One user-facing message; empty when nothing failed. */
typedef struct {
    char msg[1024];
} rl_err;

/* Fills err with a printf-style message and returns status (for `return rl_fail(...)`). */
rl_status rl_fail(rl_err *err, rl_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A short constant name for the status ("manifest error"); never NULL, not owned. */
const char *rl_status_name(rl_status status);

#endif
