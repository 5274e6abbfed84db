/*
 * util.h - small helpers shared by every stage: growable strings, string
 * lists, files and folders.
 *
 * Ownership: every function that returns a char * or a list returns memory
 * the caller owns and frees (free() for strings, strlist_free() for lists).
 * Allocation failure aborts the harness with a message (xmalloc and friends):
 * the grader cannot do anything useful without memory, and checking every
 * small allocation would hide the logic that matters.
 */
#ifndef RL_UTIL_H
#define RL_UTIL_H

#include "rl.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s); /* NULL stays NULL */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable, always NUL-terminated byte string. */
typedef struct {
    char *data; /* owned; "" after sb_init */
    size_t len;
    size_t cap;
} strbuf;

void sb_init(strbuf *sb);
void sb_append(strbuf *sb, const char *s);
void sb_appendn(strbuf *sb, const char *s, size_t n);
void sb_printf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *sb_take(strbuf *sb); /* returns the string (caller frees) and resets sb */
void sb_free(strbuf *sb);

/* A growable list of owned strings. */
typedef struct {
    char **items;
    size_t n;
    size_t cap;
} strlist;

void strlist_push(strlist *l, const char *s); /* copies s */
void strlist_push_owned(strlist *l, char *s); /* takes s */
bool strlist_contains(const strlist *l, const char *s);
void strlist_free(strlist *l);
/* Splits s on spaces, tabs and commas into l (appending). */
void strlist_split(strlist *l, const char *s);

/* Paths. path_join returns a new string "a/b". */
char *path_join(const char *a, const char *b);
const char *path_base(const char *path); /* points into path */
bool path_is_dir(const char *path);
bool path_is_regular(const char *path); /* regular file, not a link */
bool path_exists(const char *path);

/* Reads at most cap bytes of a file into a new NUL-terminated buffer.
 * *len gets the bytes read, *truncated whether the file was longer. */
rl_status file_read(const char *path, size_t cap, char **out, size_t *len, bool *truncated,
                    rl_err *err);
rl_status file_write(const char *path, const char *data, size_t len, rl_err *err);
/* The same, but never replaces a file: fails when path exists. */
rl_status file_create(const char *path, const char *data, size_t len, rl_err *err);
rl_status file_copy(const char *from, const char *to, rl_err *err);

rl_status dir_make(const char *path, rl_err *err);        /* mkdir -p */
rl_status dir_remove_tree(const char *path, rl_err *err); /* rm -rf, never follows links */
/* Creates a fresh private folder under $TMPDIR (or /tmp) named racelab-PREFIX-XXXXXX. */
rl_status dir_make_temp(const char *prefix, char **out, rl_err *err);
/* Lists the names in a folder (not . or ..), sorted. */
rl_status dir_list(const char *path, strlist *out, rl_err *err);

/* Seconds on the monotonic clock. */
double now_seconds(void);

/* Glob match of a name against a shell pattern (fnmatch). */
bool name_matches(const char *pattern, const char *name);

#endif
