/*
 * session.c - the set-up and tear-down shared by the grading subcommands
 * (see session.h).
 */
#include "session.h"

#include "object_cache.h"
#include "run.h"
#include "term.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *find_root(void)
{
    const char *env = getenv("RACELAB_ROOT");
    if (env && *env)
        return realpath(env, NULL);
    char *exe = realpath("/proc/self/exe", NULL);
    if (exe) {
        /* build/racelab -> the folder above build/ */
        for (int up = 0; up < 2; up++) {
            char *slash = strrchr(exe, '/');
            if (slash)
                *slash = '\0';
        }
        char *labs = path_join(exe, "labs");
        bool ok = path_is_dir(labs);
        free(labs);
        if (ok)
            return exe;
        free(exe);
    }
    return realpath(".", NULL);
}

/* Hides a folder from trials, unless the scratch folder is inside it. */
static void hide_unless_needed(session *s, const char *dir)
{
    size_t n = dir ? strlen(dir) : 0;
    if (n == 0 || strcmp(dir, "/") == 0)
        return;
    if (strncmp(s->scratch, dir, n) == 0 && (s->scratch[n] == '/' || s->scratch[n] == '\0'))
        return;
    sandbox_hide(&s->sandbox, dir);
}

rl_status session_open(session *s, const cli_options *o, rl_err *err)
{
    memset(s, 0, sizeof *s);
    s->root = find_root();
    if (!s->root)
        return rl_fail(err, RL_ERR_NOT_FOUND, "cannot find the racelab folder; set RACELAB_ROOT");
    s->labs_root = path_join(s->root, "labs");
    s->solutions_root = path_join(s->root, "solutions");
    s->support_dir = path_join(s->root, "harness/lab_support");
    s->probe_source = path_join(s->root, "harness/probe/probe.c");
    s->cache_dir = object_cache_dir(s->root);
    if (!path_is_dir(s->labs_root))
        return rl_fail(err, RL_ERR_NOT_FOUND,
                       "%s: no labs folder; run racelab from its project or set RACELAB_ROOT",
                       s->labs_root);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    s->jobs = o->jobs > 0 ? o->jobs : (cores > 0 ? (int)cores : 1);
    run_stop_on_interrupt();
    rl_status st = dir_make_temp("run", &s->scratch, err);
    if (st != RL_OK)
        return st;
    /* per-trial users must get through to their own trial folders */
    chmod(s->scratch, 0711);
    sandbox_detect(&s->sandbox);
    sandbox_keep(&s->sandbox, s->scratch);
    hide_unless_needed(s, s->root);
    /* a cache kept outside the project ($RACELAB_CACHE) is hidden as well */
    if (s->cache_dir && dir_make(s->cache_dir, NULL) == RL_OK) {
        char *real = realpath(s->cache_dir, NULL);
        free(s->cache_dir);
        s->cache_dir = real;
        hide_unless_needed(s, real);
    }
    if (o->output) {
        char *dir = xstrdup(o->output), *slash = strrchr(dir, '/');
        if (slash)
            *slash = '\0';
        char *real = realpath(slash ? dir : ".", NULL);
        hide_unless_needed(s, real);
        free(real);
        free(dir);
    }
    return RL_OK;
}

rl_status session_lab_ids(const session *s, strlist *ids, rl_err *err)
{
    strlist names = {0};
    rl_status st = dir_list(s->labs_root, &names, err);
    for (size_t i = 0; st == RL_OK && i < names.n; i++) {
        char *ini = xasprintf("%s/%s/lab.ini", s->labs_root, names.items[i]);
        if (path_is_regular(ini))
            strlist_push(ids, names.items[i]);
        free(ini);
    }
    strlist_free(&names);
    return st;
}

rl_status session_toolchain(session *s, rl_err *err)
{
    if (s->tc.cc)
        return RL_OK;
    rl_status st = toolchain_check(s->scratch, s->cache_dir, &s->tc, err);
    /* the sandboxed compiler must still find itself in a private /tmp */
    for (const char *tool = s->tc.cc; st == RL_OK && tool;
         tool = tool == s->tc.cc ? s->tc.objcopy : NULL) {
        char *dir = xstrdup(tool), *slash = strrchr(dir, '/');
        if (slash && slash != dir) {
            *slash = '\0';
            sandbox_keep(&s->sandbox, dir);
        }
        free(dir);
    }
    return st;
}

grade_options session_grade_options(const session *s, const cli_options *o)
{
    return (grade_options){.support_dir = s->support_dir,
                           .probe_source = s->probe_source,
                           .cache_dir = s->cache_dir,
                           .tc = &s->tc,
                           .scratch = s->scratch,
                           .trials = o->trials,
                           .timeout = o->timeout,
                           .noise = o->noise,
                           .seed = o->seed,
                           .jobs = s->jobs,
                           .with_hidden = true,
                           .take_stacks = true,
                           .sandbox = &s->sandbox};
}

rl_status session_write_report(const cli_options *o, const report *r, rl_err *err)
{
    /* colour only for a person at a terminal: the same rule for check and grade */
    report shown = *r;
    shown.color = !o->output && o->format == REPORT_TEXT && term_fancy(STDOUT_FILENO);
    if (!o->output)
        return report_write(&shown, o->format, stdout, err);
    char *tmp = xasprintf("%s.partial", o->output);
    FILE *f = fopen(tmp, "w");
    rl_status st = RL_OK;
    if (!f) {
        st = rl_fail(err, RL_ERR_IO, "%s: cannot write the report; check the folder exists",
                     o->output);
    } else {
        st = report_write(&shown, o->format, f, err);
        if (fclose(f) != 0 && st == RL_OK)
            st = rl_fail(err, RL_ERR_IO, "%s: cannot write the report", o->output);
        if (st == RL_OK && rename(tmp, o->output) != 0)
            st = rl_fail(err, RL_ERR_IO, "%s: cannot write the report", o->output);
        if (st != RL_OK)
            unlink(tmp);
    }
    free(tmp);
    return st;
}

void session_close(session *s)
{
    if (s->scratch && getenv("RACELAB_KEEP_WORK"))
        fprintf(stderr, "racelab: kept the work folder %s (RACELAB_KEEP_WORK)\n", s->scratch);
    else if (s->scratch)
        dir_remove_tree(s->scratch, NULL);
    free(s->scratch);
    free(s->root);
    free(s->labs_root);
    free(s->solutions_root);
    free(s->support_dir);
    free(s->probe_source);
    free(s->cache_dir);
    toolchain_free(&s->tc);
    sandbox_free(&s->sandbox);
    memset(s, 0, sizeof *s);
}

void report_release(report *r)
{
    for (size_t i = 0; i < r->nlabs; i++)
        lab_result_free(&r->labs[i]);
    free(r->labs);
    strlist_free(&r->notes);
    r->labs = NULL;
    r->nlabs = 0;
}
