/*
 * term.c - colour and progress decisions for a terminal (see term.h).
 */
#include "term.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool term_decide(bool is_tty, const char *no_color, const char *ci, const char *term)
{
    if (!is_tty)
        return false;
    if (no_color && *no_color)
        return false;
    if (ci && *ci)
        return false;
    return !(term && strcmp(term, "dumb") == 0);
}

bool term_fancy(int fd)
{
    return term_decide(isatty(fd) == 1, getenv("NO_COLOR"), getenv("CI"), getenv("TERM"));
}

void term_progress(const char *lab, int done, int total, void *ctx)
{
    (void)ctx;
    if (done == 0)
        fprintf(stderr, "\r\033[K%s: building and running %d trial%s...", lab, total,
                total == 1 ? "" : "s");
    else if (done < total)
        fprintf(stderr, "\r\033[K%s: trial %d/%d...", lab, done, total);
    else
        fprintf(stderr, "\r\033[K");
    fflush(stderr);
}
