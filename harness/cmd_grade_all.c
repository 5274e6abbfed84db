/*
 * cmd_grade_all.c - `racelab grade-all DIR`: grades a whole class. DIR
 * holds one sub-folder or archive per student; each is graded exactly as
 * `racelab grade --submission` grades it (grade_submission.h), its result
 * written in racelab's JSON format to OUT/results/STUDENT.json, and the
 * class's OUT/gradebook.csv (gradebook.h) made from those files.
 *
 * Resuming: a result file is written to a temporary name and renamed, so
 * one that exists is complete unless edited; a submission whose result
 * reads back complete (result_file.h) and is newer than every file of the
 * submission is not graded again. So after an interruption (Ctrl-C, a
 * reboot) the same command goes on where it stopped, and a student who
 * hands in again is regraded.
 *
 * Submissions are graded one after another in this one process, with the
 * trials of each in parallel (--jobs): measured on the 2-core development
 * machine, two submissions graded at once finish no sooner than one after
 * the other (the trials already keep both cores busy), and one at a time
 * keeps a single student's files in the scratch folder, where trials run.
 * The folders of DIR and OUT are hidden from the trials (sandbox.h), so no
 * student's code sees another's submission or result.
 */
#include "commands.h"
#include "grade_submission.h"
#include "gradebook.h"
#include "result_file.h"
#include "run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
    "usage: racelab grade-all DIR [--lab LAB]... [--output-dir OUT] [--jobs N]\n"
    "                         [--trials N] [--seed N] [--timeout S] [--noise M]\n"
    "Grades every submission in DIR: one sub-folder or archive (.tar.gz, .tgz, .tar,\n"
    ".zip) per student, whose id is the name without its extension; names starting\n"
    "with a dot are skipped. Each is graded as `racelab grade` does.\n"
    "  --lab LAB       grade these labs (repeat it); without it, each submission is\n"
    "                  graded for the labs whose files it holds. Name the labs, so\n"
    "                  every student is scored against the same ones.\n"
    "  --output-dir O  where results go (default: DIR-grades beside DIR):\n"
    "                  O/results/STUDENT.json  racelab's JSON result, per submission\n"
    "                  O/gradebook.csv         student,lab,check,points,max_points,note:\n"
    "                                          a row per check, a total row per student\n"
    "                                          (lab \"total\"); note says why a lab was\n"
    "                                          not graded (files missing, bad archive)\n"
    "  --jobs N        trials run at once (default: the number of cores)\n"
    "  --trials N      runs per lab (default: the lab's own); --seed, --timeout and\n"
    "                  --noise as for `racelab grade`\n"
    "One line per submission on stderr: [12/230] alice 85/100 (3.1 s).\n"
    "Resumes: a submission whose result file is complete and newer than its files\n"
    "is not graded again (delete the file to regrade one student). gradebook.csv is\n"
    "written once every submission has a result. Spreadsheet formulas are defused:\n"
    "a text cell starting with = + - @ or ' gets a leading '.\n"
    "A result with a grader error (not the student's doing) is graded again too.\n"
    "Exit status: 0 every submission has a result (whatever the score), 2 usage\n"
    "error, 3 grader environment error, a submission met a grader error (the\n"
    "gradebook is written, the note says where) or interrupted: run it again.\n";

#define STUDENT_ID_MAX 200 /* bytes: the result file's name must fit in NAME_MAX */

typedef struct {
    char *path;    /* DIR/name */
    char *student; /* the name without its archive extension */
    char *problem; /* why it cannot be graded at all, or NULL */
    char *result;  /* OUT/results/STUDENT.json */
} entry;

typedef struct {
    entry *items;
    size_t n;
} entries;

/* The student id: a folder's name, an archive's name without its extension. */
static char *student_id(const char *name, bool folder)
{
    static const char *const exts[] = {".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".tbz2",
                                       ".txz",    ".tar",     ".zip",    NULL};
    size_t len = strlen(name);
    if (folder)
        return xstrdup(name);
    for (size_t i = 0; exts[i]; i++) {
        size_t n = strlen(exts[i]);
        if (len > n && strcasecmp(name + len - n, exts[i]) == 0)
            return xstrndup(name, len - n);
    }
    const char *dot = strrchr(name, '.');
    return dot && dot != name ? xstrndup(name, (size_t)(dot - name)) : xstrdup(name);
}

static void entry_free(entry *e)
{
    free(e->path);
    free(e->student);
    free(e->problem);
    free(e->result);
    memset(e, 0, sizeof *e);
}

static int compare_entries(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->student, ((const entry *)b)->student);
}

/* Lists the submissions in dir, sorted by student id, with what keeps any
 * of them from being graded. */
static rl_status list_entries(const char *dir, const char *results, entries *out, rl_err *err)
{
    strlist names = {0};
    rl_status st = dir_list(dir, &names, err);
    out->items = xcalloc(names.n + 1, sizeof *out->items);
    out->n = 0;
    for (size_t i = 0; st == RL_OK && i < names.n; i++) {
        const char *name = names.items[i];
        if (name[0] == '.')
            continue;
        entry *e = &out->items[out->n++];
        e->path = path_join(dir, name);
        struct stat sb;
        bool ok = stat(e->path, &sb) == 0;
        bool folder = ok && S_ISDIR(sb.st_mode);
        e->student = student_id(name, folder);
        e->result = xasprintf("%s/%s.json", results, e->student);
        if (!ok)
            e->problem = xasprintf("cannot be read: %s", strerror(errno));
        else if (!folder && !S_ISREG(sb.st_mode))
            e->problem = xstrdup("neither a folder nor a file: hand in a folder or an archive");
        else if (strlen(e->student) > STUDENT_ID_MAX)
            e->problem = xasprintf("a name longer than %d bytes: rename it", STUDENT_ID_MAX);
    }
    strlist_free(&names);
    qsort(out->items, out->n, sizeof *out->items, compare_entries);
    /* alice/ and alice.zip would both be alice: one student, graded from neither */
    size_t kept = 0;
    for (size_t i = 0; i < out->n;) {
        size_t k = i + 1;
        while (k < out->n && strcmp(out->items[i].student, out->items[k].student) == 0)
            k++;
        if (k > i + 1) {
            strbuf why;
            sb_init(&why);
            sb_printf(&why, "%zu submissions give this student id (", k - i);
            for (size_t j = i; j < k; j++)
                sb_printf(&why, "%s%s", j > i ? ", " : "", path_base(out->items[j].path));
            sb_append(&why, "): keep one");
            free(out->items[i].problem);
            out->items[i].problem = sb_take(&why);
            for (size_t j = i + 1; j < k; j++)
                entry_free(&out->items[j]);
        }
        out->items[kept++] = out->items[i];
        i = k;
    }
    out->n = kept;
    return st;
}

static void entries_free(entries *es)
{
    for (size_t i = 0; i < es->n; i++)
        entry_free(&es->items[i]);
    free(es->items);
    memset(es, 0, sizeof *es);
}

/* The newest modification time of path and, for a folder, of anything in
 * it (links not followed; at most 16 levels and 10000 entries looked at). */
static void newest_change(const char *path, int depth, size_t *budget, struct timespec *newest)
{
    struct stat sb;
    if (*budget == 0 || lstat(path, &sb) != 0)
        return;
    (*budget)--;
    if (sb.st_mtim.tv_sec > newest->tv_sec ||
        (sb.st_mtim.tv_sec == newest->tv_sec && sb.st_mtim.tv_nsec > newest->tv_nsec))
        *newest = sb.st_mtim;
    if (!S_ISDIR(sb.st_mode) || depth >= 16)
        return;
    strlist names = {0};
    if (dir_list(path, &names, NULL) == RL_OK)
        for (size_t i = 0; i < names.n && *budget; i++) {
            char *child = path_join(path, names.items[i]);
            newest_change(child, depth + 1, budget, newest);
            free(child);
        }
    strlist_free(&names);
}

/* True when e's result file is complete, without a grader error, and newer
 * than the submission. */
static bool already_graded(const entry *e, const strlist *labs, result_summary *sum)
{
    struct stat rs;
    if (stat(e->result, &rs) != 0 || !result_file_read(e->result, e->student, labs, NULL, sum))
        return false;
    if (sum->grader_error) {
        result_summary_free(sum);
        return false;
    }
    struct timespec newest = {0, 0};
    size_t budget = 10000;
    newest_change(e->path, 0, &budget, &newest);
    bool fresh = newest.tv_sec < rs.st_mtim.tv_sec ||
                 (newest.tv_sec == rs.st_mtim.tv_sec && newest.tv_nsec <= rs.st_mtim.tv_nsec);
    if (!fresh)
        result_summary_free(sum);
    return fresh;
}

/* Rows for a submission that could not be graded at all: every check of
 * the named labs at 0 with the reason, then the total. */
static void problem_rows(gradebook *g, const entry *e, const lab_manifest *labs, size_t nlabs)
{
    char *note = xasprintf("not graded: %s", e->problem);
    double max = 0;
    for (size_t i = 0; i < nlabs; i++)
        for (size_t k = 0; k < labs[i].nchecks; k++) {
            gradebook_add(g, e->student, labs[i].id, labs[i].checks[k].id, 0,
                          labs[i].checks[k].points, note);
            max += labs[i].checks[k].points;
        }
    gradebook_add(g, e->student, GRADEBOOK_TOTAL_LAB, "", 0, max, note);
    free(note);
}

/* One progress line: "[12/230] alice 85/100 (3.1 s)", with the reason
 * when a lab was not graded. Names and reasons are shown safely. */
static void progress(size_t i, size_t n, const entry *e, double score, double max, const char *how,
                     const char *reason)
{
    char *who = gradebook_display(e->student);
    char *why = reason ? gradebook_display(reason) : NULL;
    fprintf(stderr, "[%zu/%zu] %s %g/%g (%s%s%s)\n", i + 1, n, who, score, max, how,
            why ? "; " : "", why ? why : "");
    free(who);
    free(why);
}

/* Grades one submission and writes its result file. Returns RL_OK unless
 * racelab itself failed (a lab.ini, the disk, an interruption). */
static rl_status grade_one(session *s, const cli_options *o, const entry *e, result_summary *sum,
                           double *seconds, rl_err *err)
{
    double start = now_seconds();
    submission sub = {0};
    report r = {.submission = e->path};
    int status = 0;
    rl_status st = grade_submission(s, o, e->path, NULL, &sub, &r, &status, err);
    if (st == RL_OK && run_interrupted())
        st = rl_fail(err, RL_ERR_INTERNAL, "interrupted while grading %s", e->student);
    if (st == RL_OK) {
        r.seconds = now_seconds() - start;
        cli_options w = {.format = REPORT_JSON, .output = e->result};
        st = session_write_report(&w, &r, err);
    }
    report_release(&r);
    submission_close(&sub);
    *seconds = now_seconds() - start;
    if (st == RL_OK && !result_file_read(e->result, e->student, NULL, NULL, sum))
        st = rl_fail(err, RL_ERR_IO, "%s: the result just written does not read back", e->result);
    return st;
}

/* An absolute path for p, which need not exist yet (its existing part is
 * resolved through links). New string. */
static char *absolute(const char *p)
{
    char *real = realpath(p, NULL);
    if (real)
        return real;
    char *copy = xstrdup(p), *slash = strrchr(copy, '/');
    char *out;
    if (!slash) {
        char *cwd = realpath(".", NULL);
        out = path_join(cwd ? cwd : ".", p);
        free(cwd);
    } else if (slash == copy) {
        out = xstrdup(p);
    } else {
        *slash = '\0';
        char *parent = absolute(copy);
        out = path_join(parent, slash + 1);
        free(parent);
    }
    free(copy);
    return out;
}

static bool inside(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0' || n == 1);
}

/* Checks DIR and OUT; fills their absolute paths and OUT/results. */
static rl_status prepare_folders(const cli_options *o, char **dir, char **out, char **results,
                                 rl_err *err)
{
    if (o->paths.n != 1)
        return rl_fail(err, RL_ERR_USAGE,
                       "grade-all takes one folder of submissions (got %zu); see `racelab "
                       "grade-all --help`",
                       o->paths.n);
    const char *given = o->paths.items[0];
    if (!path_is_dir(given))
        return rl_fail(err, RL_ERR_USAGE,
                       "%s: not a folder; give the folder holding one sub-folder or archive per "
                       "student",
                       given);
    *dir = realpath(given, NULL);
    if (!*dir)
        return rl_fail(err, RL_ERR_USAGE, "%s: cannot be read: %s", given, strerror(errno));
    *out = o->output_dir ? absolute(o->output_dir) : xasprintf("%s-grades", *dir);
    if (inside(*out, *dir))
        return rl_fail(err, RL_ERR_USAGE,
                       "%s is inside %s: put the output folder elsewhere, or it would be graded "
                       "as a submission",
                       *out, given);
    if (strcmp(*dir, "/") == 0 || inside(*dir, *out))
        return rl_fail(err, RL_ERR_USAGE, "%s holds %s: choose another output folder", *out, given);
    *results = path_join(*out, "results");
    return RL_OK;
}

/* Loads the labs named with --lab (to check them before grading anything,
 * and for the rows of submissions that cannot be graded). */
static rl_status load_named_labs(const session *s, const strlist *ids, lab_manifest **labs,
                                 rl_err *err)
{
    *labs = xcalloc(ids->n + 1, sizeof **labs);
    for (size_t i = 0; i < ids->n; i++)
        if (manifest_load(s->labs_root, s->solutions_root, ids->items[i], &(*labs)[i], err) !=
            RL_OK) {
            for (size_t k = 0; k < i; k++)
                manifest_free(&(*labs)[k]);
            free(*labs);
            *labs = NULL;
            return RL_ERR_USAGE;
        }
    return RL_OK;
}

/* Hides a folder from every trial, unless the scratch folder is in it. */
static void hide(session *s, const char *dir)
{
    if (!inside(s->scratch, dir))
        sandbox_hide(&s->sandbox, dir);
}

typedef struct {
    size_t graded, kept, noted;
    size_t errors; /* submissions a lab of which hit a grader error */
} tally;

/* Grades or keeps every entry; false when racelab had to stop (err says why). */
static bool grade_entries(session *s, const cli_options *o, const entries *es,
                          const lab_manifest *labs, tally *t, rl_err *err)
{
    for (size_t i = 0; i < es->n; i++) {
        const entry *e = &es->items[i];
        result_summary sum = {0};
        double seconds = 0;
        if (run_interrupted()) {
            rl_fail(err, RL_ERR_INTERNAL, "interrupted");
            return false;
        }
        if (e->problem) {
            double max = 0;
            for (size_t k = 0; k < o->labs.n; k++)
                max += labs[k].max_points;
            char *why = xasprintf("not graded: %s", e->problem);
            progress(i, es->n, e, 0, max, "0.0 s", why);
            free(why);
            t->noted++;
            continue;
        }
        if (already_graded(e, &o->labs, &sum)) {
            progress(i, es->n, e, sum.score, sum.max_score, "already graded", sum.reason);
            t->kept++;
        } else if (grade_one(s, o, e, &sum, &seconds, err) == RL_OK) {
            char how[32];
            snprintf(how, sizeof how, "%.1f s", seconds);
            progress(i, es->n, e, sum.score, sum.max_score, how, sum.reason);
            t->graded++;
        } else {
            return false;
        }
        t->noted += sum.reason != NULL;
        t->errors += sum.grader_error;
        result_summary_free(&sum);
    }
    return true;
}

/* The gradebook of every entry, from the result files. */
static rl_status write_gradebook(const entries *es, const cli_options *o, const lab_manifest *labs,
                                 const char *path, rl_err *err)
{
    gradebook g = {0};
    rl_status st = RL_OK;
    for (size_t i = 0; st == RL_OK && i < es->n; i++) {
        const entry *e = &es->items[i];
        if (e->problem)
            problem_rows(&g, e, labs, o->labs.n);
        else if (!result_file_read(e->result, e->student, &o->labs, &g, NULL))
            st = rl_fail(err, RL_ERR_IO, "%s: no complete result; run grade-all again", e->result);
    }
    if (st == RL_OK)
        st = gradebook_write_file(&g, path, err);
    gradebook_free(&g);
    return st;
}

int cmd_grade_all(int argc, char **argv)
{
    cli_options o;
    int rc0 = cli_start(argc, argv,
                        CLI_PATHS_POSITIONAL | CLI_LAB_FLAG | CLI_TRIAL_FLAGS | CLI_OUTPUT_DIR,
                        usage, &o);
    if (rc0 >= 0)
        return rc0;
    rl_err err = {{0}};
    session s = {0};
    entries es = {0};
    lab_manifest *labs = NULL;
    char *dir = NULL, *out = NULL, *results = NULL, *book = NULL;
    tally t = {0};
    int rc = 2;
    double start = now_seconds();
    if (prepare_folders(&o, &dir, &out, &results, &err) != RL_OK ||
        session_open(&s, &o, &err) != RL_OK || load_named_labs(&s, &o.labs, &labs, &err) != RL_OK)
        goto fail;
    rc = 3;
    if (session_toolchain(&s, &err) != RL_OK || dir_make(results, &err) != RL_OK)
        goto fail;
    hide(&s, dir);
    hide(&s, out);
    if (list_entries(dir, results, &es, &err) != RL_OK)
        goto fail;
    if (!grade_entries(&s, &o, &es, labs, &t, &err)) {
        if (run_interrupted())
            snprintf(err.msg, sizeof err.msg,
                     "interrupted after %zu of %zu submissions; their results are kept: run "
                     "the same command again to go on",
                     t.graded + t.kept, es.n);
        goto fail;
    }
    book = path_join(out, "gradebook.csv");
    if (write_gradebook(&es, &o, labs, book, &err) != RL_OK)
        goto fail;
    printf("%zu submissions: %zu graded now, %zu already graded, %zu with a note (not "
           "graded, files missing or no compile); %.1f s\n%s\n",
           es.n, t.graded, t.kept, t.noted, now_seconds() - start, book);
    rc = 0;
    if (t.errors) {
        /* the gradebook is written, but says so; the next run grades them again */
        rl_fail(&err, RL_ERR_INTERNAL,
                "%zu submission%s met a grader error (their notes say which): run the same "
                "command again to grade %s again",
                t.errors, t.errors == 1 ? "" : "s", t.errors == 1 ? "it" : "them");
        rc = 3;
        goto fail;
    }
    goto done;
fail:
    fprintf(stderr, "racelab: %s\n", err.msg);
    if (run_interrupted())
        rc = 3;
done:
    for (size_t i = 0; labs && i < o.labs.n; i++)
        manifest_free(&labs[i]);
    free(labs);
    entries_free(&es);
    free(dir);
    free(out);
    free(results);
    free(book);
    session_close(&s);
    cli_options_free(&o);
    return rc;
}
