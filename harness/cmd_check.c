/*
 * cmd_check.c - `racelab check [LAB]...`: grades the student's working copy
 * of labs/LAB exactly as the grader will, and exits 0 only at full marks.
 * Also the place where the grading loop shared with `grade` lives.
 */
#include "commands.h"
#include "term.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char usage[] =
    "usage: racelab check [LAB]... [--trials N] [--seed N] [--jobs N] [--timeout S]\n"
    "                     [--noise none|yield|sleep|pin|pct]\n"
    "                     [--format F] [--output FILE] [-v]\n"
    "Grades your working copy of each LAB (every lab when none is named) the way\n"
    "the grader will, and explains each problem at your own source lines.\n"
    "  --trials N   runs per lab (default: the lab's own, from lab.ini)\n"
    "  --seed N     first trial's seed (default 1); replay a failure with its seed\n"
    "  --jobs N     programs run at once (default: the number of cores)\n"
    "  --timeout S  seconds a run may take before it is stopped (default: the lab's)\n"
    "  --noise M    schedule noise in every run: none, yield, sleep, pin (one CPU) or\n"
    "               pct (one thread at a time, random priorities); default: each\n"
    "               run's mode follows from its seed\n"
    "  --format F   text (default), json, gradescope, autolab, junit, prairielearn or\n"
    "               html (one page for a browser: make report writes build/report.html)\n"
    "  --output F   write the report to F instead of standard output\n"
    "  -v           show everything: every frame and problem, passing checks too\n"
    "Exit status: 0 full marks, 1 not yet, 2 usage error, 3 grader environment error.\n";

void commands_grade_labs(session *s, const cli_options *o, lab_manifest *labs,
                         strlist *student_paths, size_t n, report *r)
{
    grade_options g = session_grade_options(s, o);
    if (term_fancy(STDERR_FILENO))
        g.progress = term_progress;
    r->labs = xcalloc(n, sizeof *r->labs);
    for (size_t i = 0; i < n; i++, r->nlabs++) {
        if (g.progress)
            g.progress(labs[i].id, 0, g.trials > 0 ? g.trials : labs[i].trials, NULL);
        grade_lab(&g, &labs[i], &student_paths[i], &r->labs[i]);
    }
    if (s->tc.note)
        strlist_push(&r->notes, s->tc.note);
    strlist_push_owned(&r->notes, sandbox_describe(&s->sandbox));
}

/* Loads the named labs (every lab when none is named). */
static rl_status load_labs(const session *s, const strlist *names, lab_manifest **labs, size_t *n,
                           rl_err *err)
{
    strlist ids = {0};
    rl_status st = RL_OK;
    if (names->n)
        for (size_t i = 0; i < names->n; i++)
            strlist_push(&ids, names->items[i]);
    else
        st = session_lab_ids(s, &ids, err);
    *labs = xcalloc(ids.n, sizeof **labs);
    *n = 0;
    for (size_t i = 0; st == RL_OK && i < ids.n; i++, (*n)++)
        st = manifest_load(s->labs_root, s->solutions_root, ids.items[i], &(*labs)[i], err);
    strlist_free(&ids);
    return st;
}

int cmd_check(int argc, char **argv)
{
    cli_options o;
    int rc0 = cli_start(argc, argv, CLI_LABS_POSITIONAL | CLI_RUN_FLAGS, usage, &o);
    if (rc0 >= 0)
        return rc0;
    rl_err err = {{0}};
    session s;
    lab_manifest *labs = NULL;
    size_t n = 0;
    int rc = 2;
    report r = {0};
    strlist *paths = NULL;
    if (session_open(&s, &o, &err) != RL_OK || load_labs(&s, &o.labs, &labs, &n, &err) != RL_OK)
        goto fail;
    rc = 3;
    if (session_toolchain(&s, &err) != RL_OK)
        goto fail;
    double start = now_seconds();
    paths = xcalloc(n ? n : 1, sizeof *paths);
    for (size_t i = 0; i < n; i++)
        for (size_t f = 0; f < labs[i].student_files.n; f++)
            strlist_push_owned(&paths[i], path_join(labs[i].dir, labs[i].student_files.items[f]));
    r.toolchain = s.tc.version;
    r.verbose = o.verbose;
    commands_grade_labs(&s, &o, labs, paths, n, &r);
    r.seconds = now_seconds() - start;
    if (session_write_report(&o, &r, &err) != RL_OK)
        goto fail;
    rc = report_score(&r) >= report_max_score(&r) ? 0 : 1;
    for (size_t i = 0; i < r.nlabs; i++)
        if (r.labs[i].state != LAB_GRADED)
            rc = 1;
    goto done;
fail:
    fprintf(stderr, "racelab: %s\n", err.msg);
done:
    for (size_t i = 0; i < n; i++) {
        manifest_free(&labs[i]);
        if (paths)
            strlist_free(&paths[i]);
    }
    free(paths);
    free(labs);
    report_release(&r);
    session_close(&s);
    cli_options_free(&o);
    return rc;
}
