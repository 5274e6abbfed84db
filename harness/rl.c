/*
 * rl.c - status names and the error-record helper declared in rl.h.
 */
#include "rl.h"

#include <stdio.h>

rl_status rl_fail(rl_err *err, rl_status status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return status;
}

const char *rl_status_name(rl_status status)
{
    switch (status) {
    case RL_OK:
        return "ok";
    case RL_ERR_USAGE:
        return "usage error";
    case RL_ERR_NOT_FOUND:
        return "not found";
    case RL_ERR_MANIFEST:
        return "lab.ini error";
    case RL_ERR_SUBMISSION:
        return "submission error";
    case RL_ERR_TOOLCHAIN:
        return "toolchain error";
    case RL_ERR_IO:
        return "I/O error";
    case RL_ERR_NOMEM:
        return "out of memory";
    case RL_ERR_INTERNAL:
        return "internal error";
    }
    return "unknown error";
}
