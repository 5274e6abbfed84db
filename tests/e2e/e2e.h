/*
 * e2e.h - helpers for end-to-end tests: run build/racelab like a user or a
 * grader would, and read what it printed or wrote.
 *
 * Ownership: every char * and json_t * returned is the caller's (free() and
 * json_decref()).
 */
#ifndef RL_E2E_H
#define RL_E2E_H

#include <jansson.h>
#include <stdbool.h>

typedef struct {
    int status;   /* exit status, -1 when killed */
    char *output; /* stdout and stderr together */
} e2e_run;

/* Runs build/racelab with args (NULL-terminated) from the project root,
 * with extra environment entries (NULL-terminated, may be NULL). */
e2e_run e2e_racelab(const char *const *args, const char *const *env);
void e2e_run_free(e2e_run *r);

/* Runs any program (argv[0] a path, NULL-terminated argv) from the project
 * root with PATH, HOME=home (when not NULL) and extra env entries, for at
 * most timeout seconds. */
e2e_run e2e_command(const char *const *argv, const char *home, const char *const *env,
                    double timeout);

/* Parses a JSON file; NULL when missing or invalid. */
json_t *e2e_json_file(const char *path);

/* A fresh temporary folder (caller removes it with e2e_rmtree). */
char *e2e_tempdir(void);
void e2e_rmtree(const char *path);

/* Writes text to dir/name, creating folders on the way. */
void e2e_write(const char *dir, const char *name, const char *text);

/* Copies labs/ID/file (or solutions/ID/file) into dir/file. */
void e2e_copy(const char *from_dir, const char *file, const char *to_dir);

/* The lab ids of the project (folders of labs/ with a lab.ini). */
char **e2e_lab_ids(int *n);

#endif
