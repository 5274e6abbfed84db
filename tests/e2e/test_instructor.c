/*
 * test_instructor.c - end-to-end: the instructor's commands.
 *
 *   - `racelab new` scaffolds a lab into a scratch project (RACELAB_ROOT)
 *     that `racelab validate` proves at once (starter flagged, solution at
 *     full marks); it refuses an existing name, a bad name and a folder in
 *     the way, leaving nothing behind; --from copies a lab with its names
 *     adapted;
 *   - `racelab grade-all` grades a class of four for 01-bank (the solution
 *     as a folder, the starter as a .tar.gz, a broken archive, a folder with
 *     a hostile name), writes the gradebook and a JSON result each, grades
 *     nothing again on a second run (result files untouched), and regrades
 *     only the student who handed in again;
 *   - `racelab regrade-diff` between the gradebooks before and after.
 *
 * Kept short (--runs 1, --trials 2): well under a minute on a 2-core machine.
 */
#include "e2e.h"

#include "gradebook.h"
#include "util.h"

#include <archive.h>
#include <archive_entry.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#define HOSTILE "=HYPERLINK(\"x\"),\"quoted\"\nline"

/* A scratch project: 01-bank, its solution, and what a build needs. */
static char *scratch_project(void)
{
    char *root = e2e_tempdir();
    char labs[512], sols[512], support[512], probe[512];
    snprintf(labs, sizeof labs, "%s/labs/01-bank", root);
    snprintf(sols, sizeof sols, "%s/solutions/01-bank", root);
    snprintf(support, sizeof support, "%s/harness/lab_support", root);
    snprintf(probe, sizeof probe, "%s/harness/probe", root);
    const char *lab_files[] = {"README.md", "lab.ini", "bank.c", "bank.h", "test_bank.c"};
    for (size_t i = 0; i < 5; i++)
        e2e_copy("labs/01-bank", lab_files[i], labs);
    e2e_copy("solutions/01-bank", "bank.c", sols);
    e2e_copy("solutions/01-bank", "test_bank_hidden.c", sols);
    e2e_copy("harness/lab_support", "racelab_lab.h", support);
    const char *probe_files[] = {"probe.c", "probe.h", "probe_schedule.c", "probe_schedule.h"};
    for (size_t i = 0; i < 4; i++)
        e2e_copy("harness/probe", probe_files[i], probe);
    return root;
}

static bool exists(const char *root, const char *rel)
{
    char *p = path_join(root, rel);
    bool ok = path_exists(p);
    free(p);
    return ok;
}

static char *read_all(const char *path)
{
    char *data = NULL;
    size_t len = 0;
    bool cut = false;
    if (file_read(path, 1 << 20, &data, &len, &cut, NULL) != RL_OK)
        return NULL;
    return data;
}

static size_t count(const char *text, const char *what)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, what)); p++)
        n++;
    return n;
}

/* Runs racelab with RACELAB_ROOT=root. */
static e2e_run in_project(const char *root, const char *const *args)
{
    char env[600];
    snprintf(env, sizeof env, "RACELAB_ROOT=%s", root);
    const char *envp[] = {env, NULL};
    return e2e_racelab(args, envp);
}

static void new_scaffolds_a_lab_that_validates_at_once(void **state)
{
    (void)state;
    char *root = scratch_project();
    const char *args[] = {"new", "hit-counter", NULL};
    e2e_run r = in_project(root, args);
    if (r.status != 0)
        print_error("%s\n", r.output);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.output, "created labs/02-hit-counter"));
    const char *made[] = {"labs/02-hit-counter/README.md",
                          "labs/02-hit-counter/lab.ini",
                          "labs/02-hit-counter/hit_counter.c",
                          "labs/02-hit-counter/hit_counter.h",
                          "labs/02-hit-counter/test_hit_counter.c",
                          "solutions/02-hit-counter/hit_counter.c",
                          "solutions/02-hit-counter/test_hit_counter_hidden.c"};
    for (size_t i = 0; i < 7; i++)
        if (!exists(root, made[i]))
            fail_msg("%s was not made", made[i]);
    e2e_run_free(&r);

    /* the same name again, a bad name: one line, exit 2, nothing written */
    const char *again[] = {"new", "hit-counter", NULL};
    r = in_project(root, again);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.output, "exists already"));
    assert_int_equal(count(r.output, "\n"), 1);
    e2e_run_free(&r);
    const char *bad_names[] = {"Bad_Name", "../escape", "a b", "7up", "x--y", "time", ""};
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        const char *bad[] = {"new", bad_names[i], NULL};
        r = in_project(root, bad);
        assert_int_equal(r.status, 2);
        assert_int_equal(count(r.output, "\n"), 1);
        e2e_run_free(&r);
    }
    assert_false(exists(root, "labs/03-time"));

    /* half a lab left in solutions/: the name is taken, no lab folder is made */
    char blocker[600];
    snprintf(blocker, sizeof blocker, "%s/solutions/03-blocked", root);
    assert_int_equal(dir_make(blocker, NULL), RL_OK);
    const char *blocked[] = {"new", "blocked", NULL};
    r = in_project(root, blocked);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.output, "exists already"));
    assert_false(exists(root, "labs/03-blocked"));
    assert_false(exists(root, "labs/04-blocked"));
    e2e_run_free(&r);

    const char *validate[] = {"validate", "02-hit-counter", "--runs", "1", "--trials", "2", "-v",
                              NULL};
    r = in_project(root, validate);
    if (r.status != 0)
        print_error("%s\n", r.output);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.output, " ok "));
    assert_non_null(strstr(r.output, "summary: 1 lab, 1 OK, 0 FAIL"));
    char *row = strstr(r.output, "\n02-hit-counter ");
    row = row ? strstr(row + 1, "\n02-hit-counter ") : NULL; /* the summary's row */
    assert_non_null(row);
    assert_non_null(strstr(row, "1/1"));
    assert_non_null(strstr(row, "OK"));
    e2e_run_free(&r);
    e2e_rmtree(root);
    free(root);
}

static void new_from_copies_a_lab_with_its_names_adapted(void **state)
{
    (void)state;
    char *root = scratch_project();
    const char *args[] = {"new", "vault", "--from", "01-bank", NULL};
    e2e_run r = in_project(root, args);
    assert_int_equal(r.status, 0);
    e2e_run_free(&r);
    char path[600];
    snprintf(path, sizeof path, "%s/labs/02-vault/lab.ini", root);
    char *ini = read_all(path);
    assert_non_null(ini);
    assert_non_null(strstr(ini, "student_files = vault.c"));
    assert_non_null(strstr(ini, "tests = test_vault.c"));
    assert_non_null(strstr(ini, "hidden_tests = test_vault_hidden.c"));
    assert_non_null(strstr(ini, "02-vault"));
    assert_null(strstr(ini, "bank.c"));
    free(ini);
    snprintf(path, sizeof path, "%s/labs/02-vault/test_vault.c", root);
    char *test = read_all(path);
    assert_non_null(strstr(test, "#include \"vault.h\""));
    free(test);
    snprintf(path, sizeof path, "%s/labs/02-vault/vault.h", root);
    char *header = read_all(path);
    assert_non_null(strstr(header, "#ifndef VAULT_H"));
    free(header);
    assert_true(exists(root, "solutions/02-vault/vault.c"));
    assert_true(exists(root, "solutions/02-vault/test_vault_hidden.c"));
    const char *list[] = {"list", NULL};
    r = in_project(root, list);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.output, "02-vault"));
    e2e_run_free(&r);
    const char *unknown[] = {"new", "other", "--from", "99-none", NULL};
    r = in_project(root, unknown);
    assert_int_equal(r.status, 2);
    assert_false(exists(root, "labs/03-other"));
    e2e_run_free(&r);
    e2e_rmtree(root);
    free(root);
}

/* Writes dir/name as a .tar.gz holding top/bank.c with the text of src. */
static void tar_gz(const char *dir, const char *name, const char *top, const char *src)
{
    char *data = read_all(src), *path = path_join(dir, name), *entry = path_join(top, "bank.c");
    assert_non_null(data);
    struct archive *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    archive_write_add_filter_gzip(a);
    assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
    struct archive_entry *ae = archive_entry_new();
    archive_entry_set_pathname(ae, entry);
    archive_entry_set_filetype(ae, AE_IFREG);
    archive_entry_set_perm(ae, 0644);
    archive_entry_set_size(ae, (la_int64_t)strlen(data));
    assert_true(archive_write_header(a, ae) >= ARCHIVE_WARN);
    assert_int_equal(archive_write_data(a, data, strlen(data)), (la_ssize_t)strlen(data));
    archive_entry_free(ae);
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    free(data);
    free(path);
    free(entry);
}

static const gradebook_row *row_of(const gradebook *g, const char *student, const char *lab,
                                   const char *check)
{
    for (size_t i = 0; i < g->n; i++)
        if (strcmp(g->rows[i].student, student) == 0 && strcmp(g->rows[i].lab, lab) == 0 &&
            strcmp(g->rows[i].check, check) == 0)
            return &g->rows[i];
    fail_msg("no row for %s %s %s", student, lab, check);
    return NULL;
}

static struct timespec mtime(const char *dir, const char *name)
{
    char *p = path_join(dir, name);
    struct stat sb;
    assert_int_equal(stat(p, &sb), 0);
    free(p);
    return sb.st_mtim;
}

static e2e_run grade_all(const char *subs, const char *out)
{
    const char *args[] = {"grade-all", subs, "--lab",        "01-bank", "--trials", "2",
                          "--jobs",    "2",  "--output-dir", out,       NULL};
    return e2e_racelab(args, NULL);
}

static void grade_all_grades_a_class_resumes_and_diffs(void **state)
{
    (void)state;
    char *dir = e2e_tempdir();
    char subs[512], out[512], results[600], book[600], old_book[600];
    snprintf(subs, sizeof subs, "%s/subs", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(results, sizeof results, "%s/results", out);
    snprintf(book, sizeof book, "%s/gradebook.csv", out);
    snprintf(old_book, sizeof old_book, "%s/before.csv", dir);
    char alice[600];
    snprintf(alice, sizeof alice, "%s/alice", subs);
    e2e_copy("solutions/01-bank", "bank.c", alice);
    tar_gz(subs, "bob.tar.gz", "bob", "labs/01-bank/bank.c");
    e2e_write(subs, "mallory.zip", "this is not a zip archive\n");
    e2e_write(subs, HOSTILE "/notes.txt", "no code here\n");

    e2e_run r = grade_all(subs, out);
    if (r.status != 0)
        print_error("%s\n", r.output);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.output, "/4] alice 100/100 ("));
    assert_non_null(strstr(r.output, "/4] bob "));
    assert_non_null(strstr(r.output, "/4] mallory 0/100 ("));
    assert_non_null(strstr(r.output, "could not be opened"));
    assert_non_null(strstr(r.output, "4 graded now, 0 already graded"));
    /* the hostile name stays on its progress line */
    assert_non_null(strstr(r.output, "/4] =HYPERLINK(\"x\"),\"quoted\"?line 0/100 ("));
    e2e_run_free(&r);

    /* the results, and the gradebook read back with racelab's reader */
    char alice_json[700];
    snprintf(alice_json, sizeof alice_json, "%s/alice.json", results);
    json_t *a = e2e_json_file(alice_json);
    assert_non_null(a);
    assert_true(json_number_value(json_object_get(a, "score")) == 100);
    assert_int_equal(json_integer_value(json_object_get(a, "schema")), 1);
    json_decref(a);
    gradebook g = {0};
    rl_err err = {{0}};
    assert_int_equal(gradebook_read_file(book, &g, &err), RL_OK);
    assert_int_equal(g.n, 4 * 4); /* 3 checks and a total each */
    assert_true(row_of(&g, "alice", "total", "")->points == 100);
    assert_true(row_of(&g, "bob", "01-bank", "race-free")->points == 0);
    assert_true(row_of(&g, "bob", "total", "")->points < 100);
    const gradebook_row *m = row_of(&g, "mallory", "total", "");
    assert_true(m->points == 0 && m->max_points == 100);
    assert_non_null(strstr(m->note, "could not be opened"));
    assert_non_null(strstr(row_of(&g, "mallory", "01-bank", "race-free")->note, "not-submitted"));
    assert_true(row_of(&g, HOSTILE, "total", "")->points == 0);
    double bob_before = row_of(&g, "bob", "total", "")->points;
    gradebook_free(&g);
    char *csv = read_all(book);
    assert_non_null(strstr(csv, "\"'=HYPERLINK(\"\"x\"\"),\"\"quoted\"\"\nline\",total,"));
    assert_int_equal(file_write(old_book, csv, strlen(csv), NULL), RL_OK);
    free(csv);

    /* the second run grades nothing: every result file is left as it was */
    struct timespec before = mtime(results, "alice.json");
    r = grade_all(subs, out);
    assert_int_equal(r.status, 0);
    assert_int_equal(count(r.output, "(already graded"), 4);
    assert_non_null(strstr(r.output, "0 graded now, 4 already graded"));
    e2e_run_free(&r);
    struct timespec after = mtime(results, "alice.json");
    assert_true(before.tv_sec == after.tv_sec && before.tv_nsec == after.tv_nsec);

    /* a result that records a grader error is graded again */
    char mallory_json[700];
    snprintf(mallory_json, sizeof mallory_json, "%s/mallory.json", results);
    json_t *mj = e2e_json_file(mallory_json);
    assert_non_null(mj);
    json_object_set_new(json_array_get(json_object_get(mj, "labs"), 0), "state",
                        json_string("error"));
    assert_int_equal(json_dump_file(mj, mallory_json, 0), 0);
    json_decref(mj);

    /* bob hands in again, fixed: only bob (and mallory) are graded */
    char *old_tar = path_join(subs, "bob.tar.gz");
    unlink(old_tar);
    free(old_tar);
    sleep(1); /* a newer modification time than bob's result, on any file system */
    tar_gz(subs, "bob.tar.gz", "bob", "solutions/01-bank/bank.c");
    r = grade_all(subs, out);
    if (r.status != 0)
        print_error("%s\n", r.output);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.output, "/4] bob 100/100 ("));
    assert_non_null(strstr(r.output, "/4] mallory 0/100 (0.0 s; not-submitted"));
    assert_non_null(strstr(r.output, "2 graded now, 2 already graded"));
    e2e_run_free(&r);

    const char *diff[] = {"regrade-diff", old_book, book, NULL};
    r = e2e_racelab(diff, NULL);
    assert_int_equal(r.status, 1);
    char expect[128];
    snprintf(expect, sizeof expect, "bob: %g/100 \u2192 100/100 (+%g)\n", bob_before,
             100 - bob_before);
    assert_non_null(strstr(r.output, expect));
    assert_non_null(strstr(r.output, "    01-bank race-free: 0 \u2192 50\n"));
    assert_null(strstr(r.output, "alice"));
    assert_non_null(strstr(r.output, "1 of 4 students changed: 1 up"));
    e2e_run_free(&r);
    const char *same[] = {"regrade-diff", book, book, NULL};
    r = e2e_racelab(same, NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.output, "no changes: 4 students"));
    e2e_run_free(&r);

    /* a damaged gradebook: one line naming the file and the line */
    char broken[600];
    snprintf(broken, sizeof broken, "%s/broken.csv", dir);
    const char text[] = GRADEBOOK_HEADER "\nalice,01-bank,race-free,50,50,\nbob,\"01-bank,x\n";
    assert_int_equal(file_write(broken, text, sizeof text - 1, NULL), RL_OK);
    const char *bad[] = {"regrade-diff", old_book, broken, NULL};
    r = e2e_racelab(bad, NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.output, "broken.csv:4: a quoted field opened on line 3 never ends"));
    assert_int_equal(count(r.output, "\n"), 1);
    e2e_run_free(&r);
    e2e_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(new_scaffolds_a_lab_that_validates_at_once),
        cmocka_unit_test(new_from_copies_a_lab_with_its_names_adapted),
        cmocka_unit_test(grade_all_grades_a_class_resumes_and_diffs),
    };
    return cmocka_run_group_tests_name("e2e_instructor", tests, NULL, NULL);
}
