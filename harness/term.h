/*
 * term.h - what racelab may do to a terminal: colour its report and keep a
 * progress line ("01-bank: trial 5/8...") rewritten in place on stderr.
 *
 * Both need a person watching a terminal, so both follow one decision:
 * the stream is a terminal, NO_COLOR is not set (https://no-color.org: set
 * and not empty), CI is not set (CI systems set it; their logs show every
 * \r), and TERM is not "dumb". A redirected stream never gets either, so a
 * report piped to a file or a grader's log is plain text.
 *
 * Nothing here allocates; the strings taken are borrowed.
 */
#ifndef RL_TERM_H
#define RL_TERM_H

#include <stdbool.h>

/* The decision itself, from its inputs (the environment's values, NULL
 * when unset): true when colour and progress lines are wanted. */
bool term_decide(bool is_tty, const char *no_color, const char *ci, const char *term);

/* term_decide for file descriptor fd and this process's environment. */
bool term_fancy(int fd);

/* A grade_options progress callback: "LAB: building and running 8
 * trials..." before the build (done 0: call it yourself), "LAB: trial 5/8..."
 * as each trial is analysed, erased after the last.
 * Writes to stderr; call it only when term_fancy(2). */
void term_progress(const char *lab, int done, int total, void *ctx);

#endif
