/*
 * e2e.c - the helpers declared in e2e.h, built on the harness's own runner.
 * Linked into each e2e test program.
 */
#include "e2e.h"

#include "run.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

e2e_run e2e_racelab(const char *const *args, const char *const *env)
{
    strlist argv = {0}, envp = {0};
    strlist_push(&argv, "build/racelab");
    for (size_t i = 0; args[i]; i++)
        strlist_push(&argv, args[i]);
    strlist_push_owned(&argv, NULL);
    strlist_push(&envp, "PATH=/usr/local/bin:/usr/bin:/bin");
    strlist_push(&envp, "CI=true");
    for (size_t i = 0; env && env[i]; i++)
        strlist_push(&envp, env[i]);
    strlist_push_owned(&envp, NULL);
    char *cwd = realpath(".", NULL);
    run_spec spec = {.argv = (const char *const *)argv.items,
                     .envp = (const char *const *)envp.items,
                     .cwd = cwd,
                     .timeout = 300,
                     .output_cap = 4 << 20};
    run_outcome o;
    run_all(&spec, &o, 1, 1, NULL);
    e2e_run r = {.status = o.end == RUN_EXITED ? o.exit_code : -1, .output = o.output};
    o.output = NULL;
    run_outcome_free(&o);
    strlist_free(&argv);
    strlist_free(&envp);
    free(cwd);
    return r;
}

e2e_run e2e_command(const char *const *argv, const char *home, const char *const *env,
                    double timeout)
{
    strlist envp = {0};
    strlist_push(&envp, "PATH=/usr/local/bin:/usr/bin:/bin");
    if (home)
        strlist_push_owned(&envp, xasprintf("HOME=%s", home));
    for (size_t i = 0; env && env[i]; i++)
        strlist_push(&envp, env[i]);
    strlist_push_owned(&envp, NULL);
    char *cwd = realpath(".", NULL);
    run_spec spec = {.argv = argv,
                     .envp = (const char *const *)envp.items,
                     .cwd = cwd,
                     .timeout = timeout,
                     .output_cap = 16 << 20};
    run_outcome o;
    run_all(&spec, &o, 1, 1, NULL);
    e2e_run r = {.status = o.end == RUN_EXITED ? o.exit_code : -1, .output = o.output};
    o.output = NULL;
    run_outcome_free(&o);
    strlist_free(&envp);
    free(cwd);
    return r;
}

void e2e_run_free(e2e_run *r)
{
    free(r->output);
    r->output = NULL;
}

json_t *e2e_json_file(const char *path)
{
    json_error_t e;
    return json_load_file(path, 0, &e);
}

char *e2e_tempdir(void)
{
    char *dir = NULL;
    if (dir_make_temp("e2e", &dir, NULL) != RL_OK)
        abort();
    return dir;
}

void e2e_rmtree(const char *path)
{
    dir_remove_tree(path, NULL);
}

void e2e_write(const char *dir, const char *name, const char *text)
{
    char *path = path_join(dir, name);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    dir_make(path, NULL);
    *slash = '/';
    if (file_write(path, text, strlen(text), NULL) != RL_OK)
        abort();
    free(path);
}

void e2e_copy(const char *from_dir, const char *file, const char *to_dir)
{
    char *from = path_join(from_dir, file), *to = path_join(to_dir, file);
    dir_make(to_dir, NULL);
    if (file_copy(from, to, NULL) != RL_OK)
        abort();
    free(from);
    free(to);
}

char **e2e_lab_ids(int *n)
{
    strlist names = {0};
    dir_list("labs", &names, NULL);
    char **ids = xcalloc(names.n + 1, sizeof *ids);
    *n = 0;
    for (size_t i = 0; i < names.n; i++) {
        char *ini = xasprintf("labs/%s/lab.ini", names.items[i]);
        if (path_is_regular(ini))
            ids[(*n)++] = xstrdup(names.items[i]);
        free(ini);
    }
    strlist_free(&names);
    return ids;
}
