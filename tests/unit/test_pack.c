/*
 * test_pack.c - the archive a student hands in (pack.h) and the digest it
 * rests on (digest.h): SHA-256 against the standard's test vectors, what
 * packing refuses (what the grader would refuse), the archive's entries
 * and manifest read back, and the grader's check of a manifest against
 * hostile manifests: names that leave the submission, links, garbage,
 * oversized or binary manifests, each ending in at most one note and
 * never in a read outside the submission.
 */
#include "digest.h"
#include "manifest.h"
#include "pack.h"
#include "submission.h"
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
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static void expect(const char *text, const char *want)
{
    if (!strstr(text, want))
        fail_msg("missing \"%s\" in:\n%s", want, text);
}

static char *temp_dir(void)
{
    char tmpl[] = "/tmp/racelab-test-pack-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    return xstrdup(tmpl);
}

static void put(const char *dir, const char *name, const char *text, size_t len)
{
    char *path = path_join(dir, name);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    dir_make(path, NULL);
    *slash = '/';
    rl_err err = {{0}};
    assert_int_equal(file_write(path, text, len, &err), RL_OK);
    free(path);
}

static void put_text(const char *dir, const char *name, const char *text)
{
    put(dir, name, text, strlen(text));
}

/* ---- digest ---- */

static void sha256_vectors(void **state)
{
    (void)state;
    char hex[DIGEST_SHA256_HEX_SIZE];
    digest_sha256_hex("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    digest_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    digest_sha256_hex(two, strlen(two), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *million = xmalloc(1000000);
    memset(million, 'a', 1000000);
    digest_sha256_hex(million, 1000000, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(million);
    char *b64 = digest_sha256_base64("abc", 3);
    assert_string_equal(b64, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
    free(b64);
}

/* ---- packing ---- */

/* A lab "NN-x" in root with the student files named. */
static lab_manifest lab_in(const char *root, const char *id, const char *files)
{
    lab_manifest m = {0};
    m.id = xstrdup(id);
    m.dir = path_join(root, id);
    strlist_split(&m.student_files, files);
    return m;
}

static void collect_refuses_what_the_grader_would(void **state)
{
    (void)state;
    char *root = temp_dir();
    put_text(root, "01-a/a.c", "int a;\n");
    put_text(root, "01-a/b.c", "int b;\n");
    lab_manifest labs[1] = {lab_in(root, "01-a", "a.c b.c")};
    pack_file *files;
    size_t n;
    rl_err err = {{0}};
    assert_int_equal(pack_collect(labs, 1, &files, &n, &err), RL_OK);
    assert_int_equal(n, 2);
    assert_string_equal(files[0].entry, "01-a/a.c");
    assert_string_equal(files[1].entry, "01-a/b.c");
    char hex[DIGEST_SHA256_HEX_SIZE];
    digest_sha256_hex("int b;\n", 7, hex);
    assert_string_equal(files[1].sha256, hex);
    pack_files_free(files, n);

    /* each refusal names the lab and the file */
    char *b = path_join(root, "01-a/b.c");
    unlink(b);
    assert_int_equal(pack_collect(labs, 1, &files, &n, &err), RL_ERR_SUBMISSION);
    expect(err.msg, "01-a: ");
    expect(err.msg, "b.c is missing");
    assert_int_equal(symlink("/etc/passwd", b), 0);
    assert_int_equal(pack_collect(labs, 1, &files, &n, &err), RL_ERR_SUBMISSION);
    expect(err.msg, "symbolic link");
    unlink(b);
    assert_int_equal(mkfifo(b, 0600), 0);
    assert_int_equal(pack_collect(labs, 1, &files, &n, &err), RL_ERR_SUBMISSION);
    expect(err.msg, "not a regular file");
    unlink(b);
    char *big = xcalloc(SUBMISSION_FILE_MAX + 1, 1);
    put(root, "01-a/b.c", big, SUBMISSION_FILE_MAX + 1);
    assert_int_equal(pack_collect(labs, 1, &files, &n, &err), RL_ERR_SUBMISSION);
    expect(err.msg, "larger than 1 MB");
    assert_null(files);
    assert_int_equal(n, 0);
    free(big);
    free(b);
    manifest_free(&labs[0]);
    dir_remove_tree(root, NULL);
    free(root);
}

static void archive_holds_the_files_and_manifest(void **state)
{
    (void)state;
    char *root = temp_dir();
    put_text(root, "01-a/a.c", "int a;\n");
    put(root, "02-b/b.c", "bin\0ary", 7); /* bytes are bytes */
    lab_manifest labs[2] = {lab_in(root, "01-a", "a.c"), lab_in(root, "02-b", "b.c")};
    pack_file *files;
    size_t n;
    rl_err err = {{0}};
    assert_int_equal(pack_collect(labs, 2, &files, &n, &err), RL_OK);
    char *out = path_join(root, "out.tar.gz");
    assert_int_equal(pack_write(files, n, out, &err), RL_OK);

    struct archive *a = archive_read_new();
    archive_read_support_format_tar(a);
    archive_read_support_filter_gzip(a);
    assert_int_equal(archive_read_open_filename(a, out, 65536), ARCHIVE_OK);
    const char *want[] = {"01-a/a.c", "02-b/b.c", PACK_MANIFEST};
    struct archive_entry *e;
    size_t i = 0;
    char *manifest = NULL;
    for (; archive_read_next_header(a, &e) == ARCHIVE_OK; i++) {
        assert_true(i < 3);
        assert_string_equal(archive_entry_pathname(e), want[i]);
        assert_int_equal(archive_entry_filetype(e), AE_IFREG);
        assert_int_equal(archive_entry_perm(e), 0644);
        char buf[4096];
        la_ssize_t got = archive_read_data(a, buf, sizeof buf - 1);
        assert_true(got >= 0);
        if (i < 2) {
            assert_int_equal((size_t)got, files[i].size);
            assert_memory_equal(buf, files[i].data, files[i].size);
        } else {
            buf[got] = '\0';
            manifest = xstrdup(buf);
        }
    }
    assert_int_equal(i, 3);
    archive_read_free(a);
    char *text = pack_manifest_text(files, n);
    assert_string_equal(manifest, text);
    expect(text, "# racelab-manifest 1\n# racelab " RACELAB_VERSION "\n");
    char *line = xasprintf("\n%s  02-b/b.c\n", files[1].sha256);
    expect(text, line);
    free(line);

    /* what was packed checks out: no note */
    char *unpacked = path_join(root, "unpacked");
    put_text(unpacked, "01-a/a.c", "int a;\n");
    put(unpacked, "02-b/b.c", "bin\0ary", 7);
    put_text(unpacked, PACK_MANIFEST, text);
    strlist notes = {0};
    pack_check_manifest(unpacked, &notes);
    assert_int_equal(notes.n, 0);
    strlist_free(&notes);

    /* no temporary file left behind */
    strlist names = {0};
    dir_list(root, &names, NULL);
    for (size_t k = 0; k < names.n; k++)
        assert_null(strstr(names.items[k], "partial"));
    strlist_free(&names);

    free(unpacked);
    free(text);
    free(manifest);
    free(out);
    pack_files_free(files, n);
    manifest_free(&labs[0]);
    manifest_free(&labs[1]);
    dir_remove_tree(root, NULL);
    free(root);
}

/* ---- the grader's check ---- */

/* The one note pack_check_manifest gives for root, or NULL. */
static char *note_for(const char *root)
{
    strlist notes = {0};
    pack_check_manifest(root, &notes);
    assert_true(notes.n <= 1);
    char *note = notes.n ? xstrdup(notes.items[0]) : NULL;
    strlist_free(&notes);
    return note;
}

static void hostile_manifests_make_one_note(void **state)
{
    (void)state;
    char *root = temp_dir();
    char *outside = temp_dir();
    put_text(outside, "secret.c", "outside\n");
    put_text(root, "01-a/a.c", "int a;\n");
    char a_hex[DIGEST_SHA256_HEX_SIZE], secret_hex[DIGEST_SHA256_HEX_SIZE];
    digest_sha256_hex("int a;\n", 7, a_hex);
    digest_sha256_hex("outside\n", 8, secret_hex);

    /* no manifest: nothing to say */
    char *note = note_for(root);
    assert_null(note);
    note = note_for(NULL);
    assert_null(note);

    /* upper-case hex, CRLF, binary mode: still matches */
    char *upper = xstrdup(a_hex);
    for (char *p = upper; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    char *text = xasprintf("# racelab 1.0.0\r\n%s *01-a/a.c\r\n\r\n", upper);
    put_text(root, PACK_MANIFEST, text);
    note = note_for(root);
    assert_null(note);
    free(text);
    free(upper);

    /* names that leave the submission are never followed; links are named */
    char *link_out = path_join(root, "01-a/link.c");
    char *secret = path_join(outside, "secret.c");
    assert_int_equal(symlink(secret, link_out), 0);
    char *folder_link = path_join(root, "linked");
    assert_int_equal(symlink(outside, folder_link), 0);
    text = xasprintf("# racelab 9.9 <script>\n"
                     "%s  %s\n"             /* absolute */
                     "%s  ../%s/secret.c\n" /* .. */
                     "%s  01-a/\x1b[2Jx.c\n"
                     "%s  01-a/link.c\n"
                     "%s  linked/secret.c\n"
                     "%s  01-a/a.c\n"
                     "not a line at all\n"
                     "%.63s  short.c\n",
                     secret_hex, secret, secret_hex, path_base(outside), secret_hex, secret_hex,
                     secret_hex, a_hex, a_hex);
    put_text(root, PACK_MANIFEST, text);
    note = note_for(root);
    assert_non_null(note);
    expect(note, PACK_MANIFEST " (packed by racelab ?): ");
    expect(note, "2 of 3 files differ from what was packed: 01-a/link.c (a link), "
                 "linked/secret.c (inside a linked folder)");
    expect(note, "5 lines could not be read");
    expect(note, "the files were graded as they are");
    assert_null(strstr(note, "\x1b"));
    assert_null(strstr(note, "outside"));
    free(note);
    free(text);

    /* many differences: five named, then "..." */
    strbuf sb;
    sb_init(&sb);
    for (int i = 0; i < 9; i++)
        sb_printf(&sb, "%s  01-a/missing%d.c\n", a_hex, i);
    put_text(root, PACK_MANIFEST, sb.data);
    sb_free(&sb);
    note = note_for(root);
    expect(note, "9 of 9 files differ");
    expect(note, "01-a/missing4.c (missing), ...");
    assert_null(strstr(note, "missing5.c"));
    free(note);

    /* a long name is shortened */
    sb_init(&sb);
    sb_printf(&sb, "%s  01-a/", a_hex);
    for (int i = 0; i < 300; i++)
        sb_append(&sb, "n");
    sb_append(&sb, ".c\n");
    put_text(root, PACK_MANIFEST, sb.data);
    sb_free(&sb);
    note = note_for(root);
    assert_true(strlen(note) < 400);
    free(note);

    /* nothing listed, binary, too big, not a file: one note each */
    put_text(root, PACK_MANIFEST, "# only comments\n");
    note = note_for(root);
    expect(note, "it lists no file");
    free(note);
    put(root, PACK_MANIFEST, "a\0b", 3);
    note = note_for(root);
    expect(note, "cannot be read");
    free(note);
    char *big = xmalloc(PACK_MANIFEST_MAX + 2);
    memset(big, '#', PACK_MANIFEST_MAX + 1);
    big[PACK_MANIFEST_MAX + 1] = '\0';
    put_text(root, PACK_MANIFEST, big);
    free(big);
    note = note_for(root);
    expect(note, "cannot be read");
    free(note);
    char *manifest = path_join(root, PACK_MANIFEST);
    unlink(manifest);
    assert_int_equal(mkdir(manifest, 0700), 0);
    note = note_for(root);
    expect(note, "cannot be read");
    free(note);
    rmdir(manifest);
    assert_int_equal(symlink(secret, manifest), 0);
    note = note_for(root);
    expect(note, "cannot be read");
    free(note);

    free(manifest);
    free(folder_link);
    free(secret);
    free(link_out);
    dir_remove_tree(root, NULL);
    dir_remove_tree(outside, NULL);
    free(root);
    free(outside);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sha256_vectors),
        cmocka_unit_test(collect_refuses_what_the_grader_would),
        cmocka_unit_test(archive_holds_the_files_and_manifest),
        cmocka_unit_test(hostile_manifests_make_one_note),
    };
    return cmocka_run_group_tests_name("pack", tests, NULL, NULL);
}
