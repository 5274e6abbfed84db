/*
 * grade_submission.c - grades one submission into a complete report (see
 * grade_submission.h): opens it, picks the labs to grade and finds their
 * files, then grades each lab, or scores it 0 with the reason when its
 * files are missing or the toolchain is broken. Shared by `racelab grade`
 * and `racelab grade-all`.
 */
#include "grade_submission.h"

#include "pack.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    lab_manifest *labs;
    strlist *paths;
    size_t n;
    strlist missing_lines; /* one line per lab whose files were not found */
} selection;

/* Picks the labs to grade and finds their files. Labs named with --lab are
 * always reported (not-submitted when their files are missing), and so is
 * every lab when `all` is set; otherwise only labs with a file present.
 * sub is NULL when the submission could not be opened (open_error says why). */
static rl_status select_labs(session *s, const cli_options *o, submission *sub,
                             const char *open_error, bool all, selection *sel, rl_err *err)
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
        else
            for (size_t k = 0; k < m.student_files.n; k++)
                strlist_push(&missing, m.student_files.items[k]);
        if (st == RL_OK && (all || found.n) && (!sub || missing.n)) {
            strbuf line;
            sb_init(&line);
            sb_printf(&line, "%s: not found in the submission:", m.id);
            for (size_t k = 0; k < missing.n; k++)
                sb_printf(&line, " %s", missing.items[k]);
            if (!sub)
                sb_printf(&line, " (the submission could not be opened: %s)", open_error);
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
    memset(sel, 0, sizeof *sel);
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
        size_t idlen = strlen(sel->labs[i].id);
        for (size_t k = 0; k < sel->missing_lines.n; k++)
            if (strncmp(sel->missing_lines.items[k], sel->labs[i].id, idlen) == 0 &&
                sel->missing_lines.items[k][idlen] == ':')
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

static void say_line(FILE *say, const char *line)
{
    if (say)
        fprintf(say, "racelab: %s\n", line);
}

rl_status grade_submission(session *s, const cli_options *o, const char *path, FILE *say,
                           submission *sub, report *r, int *status, rl_err *err)
{
    selection sel = {0};
    int rc = 0;
    memset(sub, 0, sizeof *sub);
    rl_err sub_err = {{0}};
    bool opened = submission_open(path, s->scratch, sub, &sub_err) == RL_OK;
    if (!opened) {
        say_line(say, sub_err.msg);
        strlist_push(&r->notes, sub_err.msg);
        rc = 2;
    }
    submission *found = opened ? sub : NULL;
    rl_status st = select_labs(s, o, found, sub_err.msg, o->labs.n > 0, &sel, err);
    if (st == RL_OK && sel.n == 0) {
        /* nothing found: report every lab as not submitted, so the result is complete */
        selection_free(&sel);
        st = select_labs(s, o, found, sub_err.msg, true, &sel, err);
        if (opened && say)
            fprintf(say,
                    "racelab: %s: no lab's student files found; name the lab with --lab "
                    "or put its files at the top of the submission\n",
                    path);
        rc = 2;
    }
    if (st != RL_OK) {
        selection_free(&sel);
        report_release(r);
        return st;
    }
    for (size_t i = 0; i < sub->refused.n; i++)
        strlist_push(&r->notes, sub->refused.items[i]);
    if (opened) /* packed by `racelab pack`: say if the files differ from its manifest */
        pack_check_manifest(sub->root, &r->notes);
    bool nothing_found = rc == 2;
    for (size_t i = 0; i < sel.missing_lines.n && !nothing_found; i++) {
        say_line(say, sel.missing_lines.items[i]);
        rc = 2;
    }
    rl_err tc_err = {{0}};
    bool tc_ok = session_toolchain(s, &tc_err) == RL_OK;
    if (!tc_ok) {
        say_line(say, tc_err.msg);
        rc = 3;
    }
    r->toolchain = s->tc.version;
    grade_selection(s, o, &sel, tc_ok, tc_err.msg, r);
    selection_free(&sel);
    *status = rc;
    return RL_OK;
}
