/*
 * test_submit.c - end-to-end: what `make submit` hands in is what the
 * grader grades. `racelab pack` runs on a copy of the project
 * (RACELAB_ROOT) whose 01-bank holds the reference solution; the archive
 * it leaves in that project folder must hold exactly every lab's student
 * files under their lab folders and racelab-manifest.txt (each file's
 * SHA-256 as `sha256sum -c` reads it, and the racelab version); then
 * `racelab grade --submission` on the archive as it is must find and grade
 * every lab, 01-bank at full marks, with no note about the manifest. A
 * submission whose files differ from its manifest is still graded, with
 * one note naming them. Run from the project root.
 */
#include "e2e.h"

#include "digest.h"
#include "manifest.h"
#include "pack.h"
#include "util.h"
#include "version.h"

#include <archive.h>
#include <archive_entry.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void expect(const char *text, const char *want)
{
    if (!strstr(text, want))
        fail_msg("missing \"%s\" in:\n%s", want, text);
}

static char *read_text(const char *path)
{
    char *text = NULL;
    size_t len;
    bool cut;
    rl_err err = {{0}};
    if (file_read(path, 16 << 20, &text, &len, &cut, &err) != RL_OK)
        fail_msg("cannot read %s: %s", path, err.msg);
    return text;
}

/* Every entry name of a .tar.gz, and the text of PACK_MANIFEST in it. */
static void list_archive(const char *path, strlist *names, char **manifest)
{
    struct archive *a = archive_read_new();
    archive_read_support_format_tar(a);
    archive_read_support_filter_gzip(a);
    if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK)
        fail_msg("%s: %s", path, archive_error_string(a));
    struct archive_entry *e;
    *manifest = NULL;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        const char *name = archive_entry_pathname(e);
        assert_int_equal(archive_entry_filetype(e), AE_IFREG); /* files only */
        strlist_push(names, name);
        if (strcmp(name, PACK_MANIFEST) == 0) {
            strbuf sb;
            sb_init(&sb);
            char buf[4096];
            la_ssize_t n;
            while ((n = archive_read_data(a, buf, sizeof buf)) > 0)
                sb_appendn(&sb, buf, (size_t)n);
            *manifest = sb_take(&sb);
        }
    }
    archive_read_free(a);
    assert_non_null(*manifest);
}

/* A copy of the project's labs/ in a new folder, 01-bank solved. */
static char *project_copy(void)
{
    char *root = e2e_tempdir();
    const char *cp[] = {"/bin/cp", "-R", "labs", root, NULL};
    e2e_run r = e2e_command(cp, NULL, NULL, 60);
    assert_int_equal(r.status, 0);
    e2e_run_free(&r);
    /* the reference solutions in place of the starters: three starters
     * hang until their timeout, which would only make the grading slow */
    int nlabs;
    char **ids = e2e_lab_ids(&nlabs);
    for (int i = 0; i < nlabs; i++) {
        lab_manifest m;
        rl_err err = {{0}};
        assert_int_equal(manifest_load("labs", "solutions", ids[i], &m, &err), RL_OK);
        char *from = path_join("solutions", ids[i]), *lab = path_join(root, "labs");
        char *to = path_join(lab, ids[i]);
        for (size_t f = 0; f < m.student_files.n; f++) {
            char *sol = path_join(from, m.student_files.items[f]);
            if (path_exists(sol))
                e2e_copy(from, m.student_files.items[f], to);
            free(sol);
        }
        free(from);
        free(lab);
        free(to);
        manifest_free(&m);
    }
    return root;
}

static void pack_then_grade_every_lab(void **state)
{
    (void)state;
    char *root = project_copy();
    char *env0 = xasprintf("RACELAB_ROOT=%s", root);
    const char *env[] = {env0, NULL};
    const char *pack[] = {"pack", NULL};
    double start = now_seconds();
    e2e_run r = e2e_racelab(pack, env);
    print_message("    packed in %.2f s\n", now_seconds() - start);
    if (r.status != 0)
        fail_msg("racelab pack exited with %d:\n%s", r.status, r.output);
    char *archive = path_join(root, "submission.tar.gz"); /* in the project folder */
    expect(r.output, archive);
    e2e_run_free(&r);

    /* exactly the student files, each under its lab, and the manifest */
    strlist names = {0}, want = {0};
    char *manifest = NULL;
    list_archive(archive, &names, &manifest);
    int nlabs;
    char **ids = e2e_lab_ids(&nlabs);
    char *labs_root = path_join(root, "labs");
    for (int i = 0; i < nlabs; i++) {
        lab_manifest m;
        rl_err err = {{0}};
        assert_int_equal(manifest_load(labs_root, "/nonexistent", ids[i], &m, &err), RL_OK);
        for (size_t f = 0; f < m.student_files.n; f++) {
            char *entry = xasprintf("%s/%s", ids[i], m.student_files.items[f]);
            char *path = path_join(labs_root, entry);
            char *text = read_text(path);
            char hex[DIGEST_SHA256_HEX_SIZE];
            digest_sha256_hex(text, strlen(text), hex);
            char *line = xasprintf("\n%s  %s\n", hex, entry);
            expect(manifest, line);
            strlist_push_owned(&want, entry);
            free(line);
            free(text);
            free(path);
        }
        manifest_free(&m);
    }
    strlist_push(&want, PACK_MANIFEST);
    expect(manifest, "# racelab " RACELAB_VERSION "\n");
    assert_int_equal(names.n, want.n);
    for (size_t i = 0; i < want.n; i++)
        if (!strlist_contains(&names, want.items[i]))
            fail_msg("%s is not in the archive", want.items[i]);

    /* the grader takes the archive as it is: every lab found and graded */
    char *result = path_join(root, "result.json");
    const char *grade[] = {"grade",    "--submission", archive,    "--trials", "1",
                           "--format", "json",         "--output", result,     NULL};
    start = now_seconds();
    r = e2e_racelab(grade, NULL);
    print_message("    graded every lab of the archive in %.1f s\n", now_seconds() - start);
    if (r.status != 0)
        fail_msg("racelab grade exited with %d:\n%s", r.status, r.output);
    e2e_run_free(&r);
    json_t *j = e2e_json_file(result);
    assert_non_null(j);
    json_t *labs = json_object_get(j, "labs");
    assert_int_equal(json_array_size(labs), (size_t)nlabs);
    for (int i = 0; i < nlabs; i++) {
        json_t *lab = json_array_get(labs, (size_t)i);
        const char *id = json_string_value(json_object_get(lab, "id"));
        const char *st = json_string_value(json_object_get(lab, "state"));
        if (strcmp(st, "graded") != 0)
            fail_msg("%s was not graded from the archive: %s (%s)", id, st,
                     json_string_value(json_object_get(lab, "message")));
        if (strcmp(id, "01-bank") == 0)
            assert_true(json_real_value(json_object_get(lab, "score")) ==
                        json_real_value(json_object_get(lab, "max_score")));
    }
    json_t *notes = json_object_get(j, "notes");
    for (size_t i = 0; i < json_array_size(notes); i++) {
        const char *note = json_string_value(json_array_get(notes, i));
        if (strstr(note, PACK_MANIFEST) || strstr(note, "refused"))
            fail_msg("unexpected note: %s", note);
    }
    json_decref(j);

    for (int i = 0; i < nlabs; i++)
        free(ids[i]);
    free(ids);
    free(result);
    free(labs_root);
    free(manifest);
    strlist_free(&names);
    strlist_free(&want);
    free(archive);
    free(env0);
    e2e_rmtree(root);
    free(root);
}

static void changed_files_get_one_note(void **state)
{
    (void)state;
    char *dir = e2e_tempdir();
    char *sub = path_join(dir, "sub"), *lab = path_join(sub, "01-bank");
    char *text = read_text("labs/01-bank/bank.c");
    char hex[DIGEST_SHA256_HEX_SIZE];
    digest_sha256_hex(text, strlen(text), hex);
    char *manifest = xasprintf("# racelab-manifest 1\n# racelab 0.9.9\n%s  01-bank/bank.c\n"
                               "%s  02-queue/queue.c\n%s  ../../etc/passwd\n",
                               hex, hex, hex);
    e2e_write(sub, PACK_MANIFEST, manifest);
    char *edited = xasprintf("%s\n/* edited after packing */\n", text);
    e2e_write(lab, "bank.c", edited);
    char *result = path_join(dir, "result.json");
    const char *grade[] = {"grade", "--submission", sub,    "--lab",    "01-bank", "--trials",
                           "1",     "--format",     "json", "--output", result,    NULL};
    e2e_run r = e2e_racelab(grade, NULL);
    if (r.status != 0)
        fail_msg("racelab grade exited with %d:\n%s", r.status, r.output);
    e2e_run_free(&r);
    json_t *j = e2e_json_file(result);
    assert_non_null(j);
    json_t *lab0 = json_array_get(json_object_get(j, "labs"), 0);
    assert_string_equal(json_string_value(json_object_get(lab0, "state")), "graded");
    json_t *notes = json_object_get(j, "notes");
    size_t found = 0;
    for (size_t i = 0; i < json_array_size(notes); i++) {
        const char *note = json_string_value(json_array_get(notes, i));
        if (!strstr(note, PACK_MANIFEST))
            continue;
        found++;
        expect(note, "packed by racelab 0.9.9");
        expect(note, "2 of 2 files differ from what was packed: 01-bank/bank.c (changed), "
                     "02-queue/queue.c (missing)");
        expect(note, "1 line could not be read");
        expect(note, "the files were graded as they are");
    }
    assert_int_equal(found, 1);
    json_decref(j);
    free(result);
    free(edited);
    free(manifest);
    free(text);
    free(lab);
    free(sub);
    e2e_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(changed_files_get_one_note),
        cmocka_unit_test(pack_then_grade_every_lab),
    };
    return cmocka_run_group_tests_name("e2e_submit", tests, NULL, NULL);
}
