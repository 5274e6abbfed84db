/*
 * cmd_grade.c - `racelab grade --submission PATH`: grades an untrusted
 * submission (folder, .tar.gz or .zip) and always writes a complete result
 * file, even when the submission is unusable or the toolchain is broken.
 */
#include "commands.h"
#include "submission.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: racelab grade --submission PATH [--lab LAB]... [--format text|json|gradescope]\n"
    "                     [--output FILE] [--trials N] [--seed N] [--jobs N] [--timeout S]\n"
    "                     [--noise none|yield|sleep|pin] [-v]\n"
    "Grades a submission: a folder, .tar.gz/.tgz or .zip holding the student files,\n"
    "at its top or in a folder named after the lab. Without --lab, every lab whose\n"
    "files are in the submission is graded. The result file is always written.\n"
    "Exit status: 0 graded (whatever the score), 2 usage error or no student files\n"
    "found, 3 grader environment error (the result file says why).\n";

typedef struct {
    lab_manifest *labs;
    strlist *paths;
    size_t n;
    strlist missing_lines; /* one line per lab whose files were not found */
} selection;

/* Picks the labs to grade and finds their files. Labs named with --lab are
 * always reported (not-submitted when their files are missing), and so is
 * every lab when `all` is set; otherwise only labs with a file present. */
static rl_status select_labs(session *s, const cli_options *o, submission *sub, bool all,
                             selection *sel, rl_err *err)
{
    strlist ids = {0};
    rl_status st = RL_OK;
    if (o->labs.n)
        for (size_t i = 0; i < o->labs.n; i++)
            strlist_push(&ids, o->labs.items[i]);
    else
        st = session_lab_ids(s, &ids, err);
    sel->labs = xcalloc(ids.n + 1, sizeof *sel->labs);
    sel->paths = xcalloc(ids.n + 1, sizeof *sel->paths);
    for (size_t i = 0; st == RL_OK && i < ids.n; i++) {
        lab_manifest m;
        st = manifest_load(s->labs_root, s->solutions_root, ids.items[i], &m, err);
        if (st != RL_OK)
            break;
        strlist found = {0}, missing = {0};
        if (sub)
            st = submission_find(sub, &m, &found, &missing, err);
        if (st == RL_OK && (all || found.n) && (!sub || missing.n)) {
            strbuf line;
            sb_init(&line);
            sb_printf(&line, "%s: not found in the submission:", m.id);
            for (size_t k = 0; k < missing.n; k++)
                sb_printf(&line, " %s", missing.items[k]);
            if (!sub)
                sb_printf(&line, " (the submission could not be opened)");
            sb_printf(&line,
                      "; put the file(s) at the top of the submission or in a folder "
                      "named %s",
                      m.id);
            strlist_push_owned(&sel->missing_lines, sb_take(&line));
        }
        if (st == RL_OK && (all || found.n)) {
            sel->labs[sel->n] = m;
            sel->paths[sel->n] = found;
            sel->n++;
        } else {
            manifest_free(&m);
            strlist_free(&found);
        }
        strlist_free(&missing);
    }
    strlist_free(&ids);
    return st;
}

static void selection_free(selection *sel)
{
    for (size_t i = 0; i < sel->n; i++) {
        manifest_free(&sel->labs[i]);
        strlist_free(&sel->paths[i]);
    }
    free(sel->labs);
    free(sel->paths);
    strlist_free(&sel->missing_lines);
}

/* Grades what can be graded; labs with missing files or a broken toolchain
 * are scored 0 with the reason, so the result is always complete. */
static void grade_selection(session *s, const cli_options *o, selection *sel, bool toolchain_ok,
                            const char *toolchain_error, report *r)
{
    r->labs = xcalloc(sel->n + 1, sizeof *r->labs);
    grade_options g = session_grade_options(s, o);
    for (size_t i = 0; i < sel->n; i++, r->nlabs++) {
        lab_result *out = &r->labs[i];
        const char *missing = NULL;
        for (size_t k = 0; k < sel->missing_lines.n; k++)
            if (strncmp(sel->missing_lines.items[k], sel->labs[i].id, strlen(sel->labs[i].id)) ==
                    0 &&
                sel->missing_lines.items[k][strlen(sel->labs[i].id)] == ':')
                missing = sel->missing_lines.items[k];
        if (missing)
            grade_lab_failed(&sel->labs[i], LAB_NOT_SUBMITTED, missing, out);
        else if (!toolchain_ok)
            grade_lab_failed(&sel->labs[i], LAB_ERROR, toolchain_error, out);
        else
            grade_lab(&g, &sel->labs[i], &sel->paths[i], out);
    }
    if (s->tc.note)
        strlist_push(&r->notes, s->tc.note);
    strlist_push_owned(&r->notes, sandbox_describe(&s->sandbox));
}

int cmd_grade(int argc, char **argv)
{
    cli_options o;
    rl_err err = {{0}};
    if (cli_parse(argc, argv, CLI_SUBMISSION | CLI_LAB_FLAG | CLI_RUN_FLAGS, &o, &err) != RL_OK) {
        fprintf(stderr, "racelab: %s\n", err.msg);
        return 2;
    }
    if (o.help || !o.submission) {
        fputs(usage, o.help ? stdout : stderr);
        cli_options_free(&o);
        return o.help ? 0 : 2;
    }
    session s;
    submission sub = {0};
    selection sel = {0};
    report r = {.submission = o.submission};
    int rc = 0;
    double start = now_seconds();
    if (session_open(&s, &o, &err) != RL_OK) {
        fprintf(stderr, "racelab: %s\n", err.msg);
        rc = 3;
        goto done;
    }
    rl_err sub_err = {{0}};
    bool opened = submission_open(o.submission, s.scratch, &sub, &sub_err) == RL_OK;
    if (!opened) {
        fprintf(stderr, "racelab: %s\n", sub_err.msg);
        strlist_push(&r.notes, sub_err.msg);
        rc = 2;
    }
    rl_status st = select_labs(&s, &o, opened ? &sub : NULL, o.labs.n > 0, &sel, &err);
    if (st == RL_OK && sel.n == 0) {
        /* nothing found: report every lab as not submitted, so the result is complete */
        selection_free(&sel);
        memset(&sel, 0, sizeof sel);
        st = select_labs(&s, &o, opened ? &sub : NULL, true, &sel, &err);
        if (opened)
            fprintf(stderr,
                    "racelab: %s: no lab's student files found; name the lab with --lab "
                    "or put its files at the top of the submission\n",
                    o.submission);
        rc = 2;
    }
    if (st != RL_OK) {
        fprintf(stderr, "racelab: %s\n", err.msg);
        rc = 2;
        goto done;
    }
    for (size_t i = 0; i < sub.refused.n; i++)
        strlist_push(&r.notes, sub.refused.items[i]);
    bool nothing_found = rc == 2;
    for (size_t i = 0; i < sel.missing_lines.n && !nothing_found; i++) {
        fprintf(stderr, "racelab: %s\n", sel.missing_lines.items[i]);
        rc = 2;
    }
    rl_err tc_err = {{0}};
    bool tc_ok = session_toolchain(&s, &tc_err) == RL_OK;
    if (!tc_ok) {
        fprintf(stderr, "racelab: %s\n", tc_err.msg);
        rc = 3;
    }
    r.toolchain = s.tc.version;
    r.verbose = o.verbose;
    grade_selection(&s, &o, &sel, tc_ok, tc_err.msg, &r);
    r.seconds = now_seconds() - start;
    if (session_write_report(&o, &r, &err) != RL_OK) {
        fprintf(stderr, "racelab: %s\n", err.msg);
        rc = 3;
    }
done:
    report_release(&r);
    selection_free(&sel);
    submission_close(&sub);
    session_close(&s);
    cli_options_free(&o);
    return rc;
}
