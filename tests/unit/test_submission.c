/*
 * test_submission.c - finding student files in folders and archives, and
 * refusing what a hostile archive tries to do.
 *
 * Every archive is built here at run time with libarchive's writer, so each
 * test states exactly which entries it feeds in. Each test gets a private
 * folder holding in/ (the submission) and scratch/ (the scratch parent
 * handed to submission_open), so a test can check that nothing was written
 * beside the extraction folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "submission.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define BANK_SRC "int bank_balance;\n"

typedef struct {
    char *dir;        /* this test's private folder (real path) */
    char *in;         /* dir/in: where submissions are built */
    char *scratch;    /* dir/scratch: where archives are extracted */
    lab_manifest lab; /* id "01-bank", student file "bank.c" */
    submission sub;
    strlist found;
    strlist missing;
    rl_err err;
} fixture;

static int setup(void **state)
{
    fixture *f = xcalloc(1, sizeof *f);
    char *dir = NULL;
    if (dir_make_temp("test-submission", &dir, &f->err) != RL_OK)
        return -1;
    f->dir = realpath(dir, NULL);
    free(dir);
    f->in = path_join(f->dir, "in");
    f->scratch = path_join(f->dir, "scratch");
    if (!f->dir || mkdir(f->in, 0755) != 0 || mkdir(f->scratch, 0755) != 0)
        return -1;
    f->lab.id = xstrdup("01-bank");
    strlist_push(&f->lab.student_files, "bank.c");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    submission_close(&f->sub);
    strlist_free(&f->found);
    strlist_free(&f->missing);
    free(f->lab.id);
    strlist_free(&f->lab.student_files);
    dir_remove_tree(f->dir, NULL);
    free(f->dir);
    free(f->in);
    free(f->scratch);
    free(f);
    return 0;
}

/* ---- building submissions ---------------------------------------------- */

/* Writes data to in/rel, creating its folders. */
static char *put(fixture *f, const char *rel, const char *data)
{
    char *path = path_join(f->in, rel);
    char *parent = xstrdup(path);
    *strrchr(parent, '/') = '\0';
    assert_int_equal(dir_make(parent, NULL), RL_OK);
    assert_int_equal(file_write(path, data, strlen(data), NULL), RL_OK);
    free(parent);
    return path;
}

typedef enum { TAR, TGZ, ZIP } archive_kind;

/* One entry to write into a test archive. */
typedef struct {
    const char *name;
    unsigned type;    /* 0 (regular file), AE_IFDIR, AE_IFLNK, AE_IFCHR, AE_IFIFO */
    const char *data; /* a regular file's content, or a link's target */
    size_t zeros;     /* a regular file of this many zero bytes instead */
    bool hardlink;    /* a hard link to data */
    bool no_size;     /* leave the size out of the header (zip only) */
} entry;

static void write_zeros(struct archive *a, size_t n)
{
    static const char zeros[64 * 1024];
    while (n > 0) {
        size_t chunk = n < sizeof zeros ? n : sizeof zeros;
        assert_int_equal(archive_write_data(a, zeros, chunk), (la_ssize_t)chunk);
        n -= chunk;
    }
}

static void write_entry(struct archive *a, const entry *e)
{
    struct archive_entry *ae = archive_entry_new();
    unsigned type = e->type ? e->type : AE_IFREG;
    bool has_data = type == AE_IFREG && !e->hardlink;
    size_t size = !has_data ? 0 : e->zeros ? e->zeros : strlen(e->data);
    archive_entry_set_pathname(ae, e->name);
    archive_entry_set_filetype(ae, type);
    archive_entry_set_perm(ae, type == AE_IFDIR ? 0755 : 0644);
    if (type == AE_IFLNK)
        archive_entry_set_symlink(ae, e->data);
    if (e->hardlink)
        archive_entry_set_hardlink(ae, e->data);
    if (type == AE_IFCHR)
        archive_entry_set_rdev(ae, makedev(1, 3));
    if (!e->no_size)
        archive_entry_set_size(ae, (la_int64_t)size);
    assert_true(archive_write_header(a, ae) >= ARCHIVE_WARN);
    if (has_data && e->zeros)
        write_zeros(a, e->zeros);
    else if (has_data)
        assert_int_equal(archive_write_data(a, e->data, size), (la_ssize_t)size);
    archive_entry_free(ae);
}

/* Writes the n entries into in/name as a tar, tar.gz or zip. */
static char *make_archive(fixture *f, const char *name, archive_kind kind, const entry *entries,
                          size_t n)
{
    char *path = path_join(f->in, name);
    struct archive *a = archive_write_new();
    if (kind == ZIP) {
        archive_write_set_format_zip(a);
    } else {
        archive_write_set_format_pax_restricted(a);
        if (kind == TGZ)
            archive_write_add_filter_gzip(a);
    }
    assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
    for (size_t i = 0; i < n; i++)
        write_entry(a, &entries[i]);
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
    return path;
}

#define MAKE(f, name, kind, ...)                                                                   \
    make_archive(f, name, kind, (const entry[]){__VA_ARGS__},                                      \
                 sizeof((const entry[]){__VA_ARGS__}) / sizeof(entry))

/* Cuts a zip before its central directory, so a reader can only go by the
 * local headers: with no_size entries those carry no sizes at all. */
static void drop_central_directory(const char *path)
{
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(file_read(path, 1 << 30, &data, &len, NULL, NULL), RL_OK);
    const char *cd = memmem(data, len, "PK\x01\x02", 4);
    assert_non_null(cd);
    assert_int_equal(truncate(path, cd - data), 0);
    free(data);
}

/* ---- running and checking ---------------------------------------------- */

static rl_status grade(fixture *f, const char *path)
{
    rl_status st = submission_open(path, f->scratch, &f->sub, &f->err);
    if (st == RL_OK)
        st = submission_find(&f->sub, &f->lab, &f->found, &f->missing, &f->err);
    return st;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

/* Asserts that bank.c was found at an absolute path ending in /rel and
 * holding BANK_SRC. */
static void assert_found(fixture *f, const char *rel)
{
    assert_int_equal(f->missing.n, 0);
    assert_int_equal(f->found.n, 1);
    const char *path = f->found.items[0];
    char *suffix = xasprintf("/%s", rel);
    assert_true(path[0] == '/');
    assert_true(ends_with(path, suffix));
    char *data = NULL;
    assert_int_equal(file_read(path, 4096, &data, NULL, NULL, NULL), RL_OK);
    assert_string_equal(data, BANK_SRC);
    free(data);
    free(suffix);
}

static void assert_missing(fixture *f)
{
    assert_int_equal(f->found.n, 0);
    assert_int_equal(f->missing.n, 1);
    assert_string_equal(f->missing.items[0], "bank.c");
}

/* Whether some refusal line contains every one of the given pieces. */
static bool refused_has(fixture *f, const char *a, const char *b)
{
    for (size_t i = 0; i < f->sub.refused.n; i++) {
        const char *line = f->sub.refused.items[i];
        if (strstr(line, a) && (!b || strstr(line, b)))
            return true;
    }
    return false;
}

static bool in_scratch(fixture *f, const char *rel)
{
    char *path = path_join(f->sub.scratch, rel);
    struct stat st;
    bool there = lstat(path, &st) == 0;
    free(path);
    return there;
}

static size_t count_entries(const char *dir)
{
    strlist names = {0};
    assert_int_equal(dir_list(dir, &names, NULL), RL_OK);
    size_t n = names.n;
    strlist_free(&names);
    return n;
}

/* ---- folders ----------------------------------------------------------- */

static void test_folder_flat(void **state)
{
    fixture *f = *state;
    free(put(f, "sub/bank.c", BANK_SRC));
    char *sub = path_join(f->in, "sub");
    assert_int_equal(grade(f, sub), RL_OK);
    assert_null(f->sub.scratch);
    assert_found(f, "sub/bank.c");
    assert_int_equal(f->sub.refused.n, 0);
    free(sub);
}

static void test_folder_under_lab_id(void **state)
{
    fixture *f = *state;
    free(put(f, "sub/01-bank/bank.c", BANK_SRC));
    char *sub = path_join(f->in, "sub");
    assert_int_equal(grade(f, sub), RL_OK);
    assert_found(f, "sub/01-bank/bank.c");
    free(sub);
}

static void test_folder_under_short_name(void **state)
{
    fixture *f = *state;
    free(put(f, "sub/bank/bank.c", BANK_SRC));
    free(put(f, "sub/docs/notes.txt", "x\n")); /* so "bank" is not the only folder */
    char *sub = path_join(f->in, "sub");
    assert_int_equal(grade(f, sub), RL_OK);
    assert_found(f, "sub/bank/bank.c");
    free(sub);
}

/* A top-level file and a hidden folder do not stop the single-folder rule. */
static void test_folder_under_one_top_folder(void **state)
{
    fixture *f = *state;
    free(put(f, "sub/my-work/01-bank/bank.c", BANK_SRC));
    free(put(f, "sub/README.txt", "hi\n"));
    free(put(f, "sub/.git/HEAD", "ref\n"));
    char *sub = path_join(f->in, "sub");
    assert_int_equal(grade(f, sub), RL_OK);
    assert_found(f, "sub/my-work/01-bank/bank.c");
    free(sub);
}

/* labs/ID is looked into even beside other folders. */
static void test_folder_under_labs_id(void **state)
{
    fixture *f = *state;
    free(put(f, "sub/labs/01-bank/bank.c", BANK_SRC));
    free(put(f, "sub/notes/todo.txt", "x\n"));
    char *sub = path_join(f->in, "sub");
    assert_int_equal(grade(f, sub), RL_OK);
    assert_found(f, "sub/labs/01-bank/bank.c");
    free(sub);
}

static void test_folder_top_then_labs_id(void **state)
{
    fixture *f = *state;
    free(put(f, "sub/racelab-main/labs/01-bank/bank.c", BANK_SRC));
    char *sub = path_join(f->in, "sub");
    assert_int_equal(grade(f, sub), RL_OK);
    assert_found(f, "sub/racelab-main/labs/01-bank/bank.c");
    free(sub);
}

/* With two top-level folders neither is guessed at. */
static void test_folder_two_top_folders_not_searched(void **state)
{
    fixture *f = *state;
    free(put(f, "sub/a/other.c", "x\n"));
    free(put(f, "sub/b/bank.c", BANK_SRC));
    char *sub = path_join(f->in, "sub");
    assert_int_equal(grade(f, sub), RL_OK);
    assert_missing(f);
    free(sub);
}

static void test_folder_flat_wins_over_nested(void **state)
{
    fixture *f = *state;
    free(put(f, "sub/bank.c", BANK_SRC));
    free(put(f, "sub/01-bank/bank.c", "old copy\n"));
    char *sub = path_join(f->in, "sub");
    assert_int_equal(grade(f, sub), RL_OK);
    assert_found(f, "sub/bank.c");
    free(sub);
}

/* Several student files come back in manifest order; the absent one is
 * missing without any refusal. */
static void test_missing_file(void **state)
{
    fixture *f = *state;
    strlist_push(&f->lab.student_files, "account.c");
    free(put(f, "sub/bank.c", BANK_SRC));
    char *sub = path_join(f->in, "sub");
    assert_int_equal(grade(f, sub), RL_OK);
    assert_int_equal(f->found.n, 1);
    assert_true(ends_with(f->found.items[0], "/sub/bank.c"));
    assert_int_equal(f->missing.n, 1);
    assert_string_equal(f->missing.items[0], "account.c");
    assert_int_equal(f->sub.refused.n, 0);
    free(sub);
}

static void test_folder_symlink_file_refused(void **state)
{
    fixture *f = *state;
    char *target = put(f, "secret/bank.c", BANK_SRC);
    free(put(f, "sub/keep.txt", "x\n"));
    char *link = path_join(f->in, "sub/bank.c");
    assert_int_equal(symlink(target, link), 0);
    char *sub = path_join(f->in, "sub");
    assert_int_equal(grade(f, sub), RL_OK);
    assert_missing(f);
    assert_true(refused_has(f, "sub: bank.c: symbolic link", NULL));
    free(sub);
    free(link);
    free(target);
}

/* A linked folder would let a submission point at the solutions. */
static void test_folder_linked_folder_refused(void **state)
{
    fixture *f = *state;
    free(put(f, "secret/bank.c", BANK_SRC));
    free(put(f, "sub/keep.txt", "x\n"));
    char *target = path_join(f->in, "secret");
    char *link = path_join(f->in, "sub/01-bank");
    assert_int_equal(symlink(target, link), 0);
    char *sub = path_join(f->in, "sub");
    assert_int_equal(grade(f, sub), RL_OK);
    assert_missing(f);
    assert_true(refused_has(f, "01-bank/bank.c", "linked folder"));
    free(sub);
    free(link);
    free(target);
}

static void test_folder_oversized_file_refused(void **state)
{
    fixture *f = *state;
    char *path = put(f, "sub/bank.c", BANK_SRC);
    assert_int_equal(truncate(path, SUBMISSION_FILE_MAX + 1), 0);
    char *sub = path_join(f->in, "sub");
    assert_int_equal(grade(f, sub), RL_OK);
    assert_missing(f);
    assert_true(refused_has(f, "bank.c", "larger than 1 MB"));
    free(sub);
    free(path);
}

static void test_folder_unreadable_file_refused(void **state)
{
    fixture *f = *state;
    if (geteuid() == 0)
        skip(); /* root reads anything */
    char *path = put(f, "sub/bank.c", BANK_SRC);
    assert_int_equal(chmod(path, 0), 0);
    char *sub = path_join(f->in, "sub");
    assert_int_equal(grade(f, sub), RL_OK);
    assert_missing(f);
    assert_true(refused_has(f, "bank.c", "cannot be read"));
    free(sub);
    free(path);
}

/* ---- archives that should just work ------------------------------------ */

static void test_tgz_repo_with_labs(void **state)
{
    fixture *f = *state;
    char *path = MAKE(f, "sub.tar.gz", TGZ, {.name = "repo/", .type = AE_IFDIR},
                      {.name = "repo/labs/01-bank/bank.c", .data = BANK_SRC},
                      {.name = "repo/labs/02-other/x.c", .data = "x\n"});
    assert_int_equal(grade(f, path), RL_OK);
    assert_non_null(f->sub.scratch);
    assert_found(f, "repo/labs/01-bank/bank.c");
    assert_int_equal(f->sub.refused.n, 0);
    free(path);
}

static void test_zip_short_name(void **state)
{
    fixture *f = *state;
    char *path = MAKE(f, "sub.zip", ZIP, {.name = "bank/bank.c", .data = BANK_SRC});
    assert_int_equal(grade(f, path), RL_OK);
    assert_found(f, "bank/bank.c");
    assert_int_equal(f->sub.refused.n, 0);
    free(path);
}

/* The tar-made-from-"." case: a "./" entry is not a refusal. */
static void test_tar_flat_with_dot_entry(void **state)
{
    fixture *f = *state;
    char *path = MAKE(f, "sub.tar", TAR, {.name = "./", .type = AE_IFDIR},
                      {.name = "./bank.c", .data = BANK_SRC});
    assert_int_equal(grade(f, path), RL_OK);
    assert_found(f, "bank.c");
    assert_int_equal(f->sub.refused.n, 0);
    free(path);
}

/* The format comes from the content, not the name. */
static void test_zip_named_tgz_is_read(void **state)
{
    fixture *f = *state;
    char *path = MAKE(f, "handin.tar.gz", ZIP, {.name = "01-bank/bank.c", .data = BANK_SRC});
    assert_int_equal(grade(f, path), RL_OK);
    assert_found(f, "01-bank/bank.c");
    free(path);
}

static void test_macosx_junk_ignored(void **state)
{
    fixture *f = *state;
    char *path =
        MAKE(f, "sub.zip", ZIP, {.name = "__MACOSX/01-bank/._bank.c", .data = "junk"},
             {.name = "01-bank/._bank.c", .data = "junk"}, {.name = ".DS_Store", .data = "junk"},
             {.name = "01-bank/bank.c", .data = BANK_SRC});
    assert_int_equal(grade(f, path), RL_OK);
    assert_found(f, "01-bank/bank.c");
    assert_int_equal(f->sub.refused.n, 0);
    assert_false(in_scratch(f, "__MACOSX"));
    assert_false(in_scratch(f, "01-bank/._bank.c"));
    free(path);
}

static void test_close_removes_scratch(void **state)
{
    fixture *f = *state;
    char *path = MAKE(f, "sub.tgz", TGZ, {.name = "bank.c", .data = BANK_SRC});
    assert_int_equal(grade(f, path), RL_OK);
    char *scratch = xstrdup(f->sub.scratch);
    assert_true(path_is_dir(scratch));
    submission_close(&f->sub);
    assert_false(path_exists(scratch));
    assert_int_equal(count_entries(f->scratch), 0);
    submission_close(&f->sub); /* twice is harmless */
    submission zeroed = {0};
    submission_close(&zeroed);
    free(scratch);
    free(path);
}

/* ---- hostile archives -------------------------------------------------- */

/* Nothing may land beside the scratch folder or above it. */
static void test_path_traversal_refused(void **state)
{
    fixture *f = *state;
    char *path =
        MAKE(f, "sub.tgz", TGZ, {.name = "../evil.c", .data = "evil"},
             {.name = "a/../../../evil.c", .data = "evil"}, {.name = "bank.c", .data = BANK_SRC});
    assert_int_equal(grade(f, path), RL_OK);
    assert_found(f, "bank.c");
    assert_true(refused_has(f, "sub.tgz: ../evil.c: path leaves the submission; refused", NULL));
    assert_true(refused_has(f, "a/../../../evil.c", "leaves the submission"));
    assert_int_equal(count_entries(f->scratch), 1); /* only the extraction folder */
    assert_int_equal(count_entries(f->dir), 2);     /* in/ and scratch/ */
    assert_false(in_scratch(f, "a"));
    free(path);
}

static void test_absolute_path_refused(void **state)
{
    fixture *f = *state;
    char *target = path_join(f->dir, "planted.c");
    char *path = MAKE(f, "sub.tar", TAR, {.name = target, .data = "evil"});
    assert_int_equal(grade(f, path), RL_OK);
    assert_missing(f);
    assert_true(refused_has(f, "planted.c", "absolute path; refused"));
    assert_false(path_exists(target));
    free(target);
    free(path);
}

/* A link to a secret, and a link to a folder followed by a file "inside"
 * it: neither link is made, so the file lands in a plain folder. */
static void test_symlink_entry_refused(void **state)
{
    fixture *f = *state;
    char *path = MAKE(
        f, "sub.tar", TAR, {.name = "bank.c", .type = AE_IFLNK, .data = "/etc/passwd"},
        {.name = "d", .type = AE_IFLNK, .data = f->dir}, {.name = "d/planted.c", .data = "evil"});
    assert_int_equal(grade(f, path), RL_OK);
    assert_missing(f);
    assert_true(refused_has(f, "sub.tar: bank.c: symbolic link; refused", NULL));
    assert_true(refused_has(f, "sub.tar: d: symbolic link; refused", NULL));
    assert_false(in_scratch(f, "bank.c"));
    char *planted = path_join(f->dir, "planted.c");
    assert_false(path_exists(planted));
    free(planted);
    free(path);
}

static void test_symlink_entry_in_zip_refused(void **state)
{
    fixture *f = *state;
    char *path =
        MAKE(f, "sub.zip", ZIP, {.name = "bank.c", .type = AE_IFLNK, .data = "/etc/passwd"});
    assert_int_equal(grade(f, path), RL_OK);
    assert_missing(f);
    assert_true(refused_has(f, "sub.zip: bank.c: symbolic link; refused", NULL));
    assert_false(in_scratch(f, "bank.c"));
    free(path);
}

static void test_hardlink_entry_refused(void **state)
{
    fixture *f = *state;
    char *path =
        MAKE(f, "sub.tar", TAR, {.name = "bank.c", .data = "/etc/passwd", .hardlink = true});
    assert_int_equal(grade(f, path), RL_OK);
    assert_missing(f);
    assert_true(refused_has(f, "sub.tar: bank.c: hard link; refused", NULL));
    assert_false(in_scratch(f, "bank.c"));
    free(path);
}

static void test_device_and_fifo_refused(void **state)
{
    fixture *f = *state;
    char *path = MAKE(f, "sub.tar", TAR, {.name = "bank.c", .type = AE_IFCHR},
                      {.name = "pipe", .type = AE_IFIFO});
    assert_int_equal(grade(f, path), RL_OK);
    assert_missing(f);
    assert_true(refused_has(f, "sub.tar: bank.c: device; refused", NULL));
    assert_true(refused_has(f, "sub.tar: pipe: FIFO; refused", NULL));
    assert_false(in_scratch(f, "bank.c"));
    assert_false(in_scratch(f, "pipe"));
    free(path);
}

static void test_oversized_entry_refused(void **state)
{
    fixture *f = *state;
    char *path = MAKE(f, "sub.tgz", TGZ, {.name = "bank.c", .zeros = SUBMISSION_FILE_MAX + 1},
                      {.name = "after.c", .data = "x\n"});
    assert_int_equal(grade(f, path), RL_OK);
    assert_missing(f);
    assert_true(refused_has(f, "sub.tgz: bank.c: larger than 1 MB; refused", NULL));
    assert_false(in_scratch(f, "bank.c"));
    assert_true(in_scratch(f, "after.c")); /* the rest is still used */
    free(path);
}

/* A zip read without its central directory has no sizes in its headers:
 * the file is cut off by counting, and the partial copy is deleted. */
static void test_oversized_entry_without_size_refused(void **state)
{
    fixture *f = *state;
    char *path = MAKE(f, "sub.zip", ZIP,
                      {.name = "bank.c", .zeros = SUBMISSION_FILE_MAX + 1, .no_size = true},
                      {.name = "after.c", .data = "x\n", .no_size = true});
    drop_central_directory(path);
    assert_int_equal(grade(f, path), RL_OK);
    assert_missing(f);
    assert_true(refused_has(f, "sub.zip: bank.c: larger than 1 MB; refused", NULL));
    assert_false(in_scratch(f, "bank.c"));
    assert_true(in_scratch(f, "after.c"));
    free(path);
}

/* Reading stops at SUBMISSION_ENTRIES_MAX entries; what came before is used. */
static void test_entry_count_bomb(void **state)
{
    fixture *f = *state;
    size_t n = 3000;
    entry *entries = xcalloc(n, sizeof *entries);
    char **names = xcalloc(n, sizeof *names);
    entries[0] = (entry){.name = "bank.c", .data = BANK_SRC};
    for (size_t i = 1; i < n; i++) {
        names[i] = xasprintf("f%04zu.txt", i);
        entries[i] = (entry){.name = names[i], .data = "x"};
    }
    char *path = make_archive(f, "sub.tar", TAR, entries, n);
    assert_int_equal(grade(f, path), RL_OK);
    assert_found(f, "bank.c");
    assert_true(refused_has(f, "sub.tar: more than 2000 entries; the rest was ignored", NULL));
    assert_true(in_scratch(f, "f1999.txt"));
    assert_false(in_scratch(f, "f2000.txt"));
    assert_int_equal(count_entries(f->sub.scratch), SUBMISSION_ENTRIES_MAX);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(entries);
    free(path);
}

/* One entry of 70 MB of zeros (about 70 KB compressed): it is refused by
 * size, and reading it still counts, so the archive stops at 64 MB. */
static void test_decompression_bomb_tgz(void **state)
{
    fixture *f = *state;
    char *path = MAKE(f, "sub.tgz", TGZ, {.name = "big.bin", .zeros = 70L * 1024 * 1024},
                      {.name = "bank.c", .data = BANK_SRC});
    assert_int_equal(grade(f, path), RL_OK);
    assert_missing(f);
    assert_true(refused_has(f, "sub.tgz: big.bin: archive expands to more than 64 MB", NULL));
    assert_false(in_scratch(f, "big.bin"));
    free(path);
}

/* The same bomb in a zip whose headers claim no size at all. */
static void test_decompression_bomb_zip_without_sizes(void **state)
{
    fixture *f = *state;
    char *path =
        MAKE(f, "sub.zip", ZIP, {.name = "big.bin", .zeros = 70L * 1024 * 1024, .no_size = true},
             {.name = "bank.c", .data = BANK_SRC, .no_size = true});
    drop_central_directory(path);
    assert_int_equal(grade(f, path), RL_OK);
    assert_missing(f);
    assert_true(refused_has(f, "sub.zip: big.bin: archive expands to more than 64 MB", NULL));
    assert_false(in_scratch(f, "big.bin"));
    free(path);
}

/* Seventy files of exactly the file cap: the first 64 fill the archive cap,
 * the 65th is cut off there and deleted, and nothing after is read. */
static void test_total_cap_over_many_files(void **state)
{
    fixture *f = *state;
    entry entries[71];
    char names[70][16];
    for (int i = 0; i < 70; i++) {
        snprintf(names[i], sizeof names[i], "f%02d.bin", i);
        entries[i] = (entry){.name = names[i], .zeros = SUBMISSION_FILE_MAX};
    }
    entries[70] = (entry){.name = "bank.c", .data = BANK_SRC};
    char *path = make_archive(f, "sub.tgz", TGZ, entries, 71);
    assert_int_equal(grade(f, path), RL_OK);
    assert_missing(f);
    assert_true(refused_has(f, "sub.tgz: f64.bin: archive expands to more than 64 MB", NULL));
    assert_true(in_scratch(f, "f63.bin"));
    assert_false(in_scratch(f, "f64.bin"));
    assert_false(in_scratch(f, "f65.bin"));
    free(path);
}

/* Names with control characters are refused and quoted harmlessly; very
 * long names are refused and quoted short. */
static void test_bad_names_refused(void **state)
{
    fixture *f = *state;
    char long_part[301];
    memset(long_part, 'a', 300);
    long_part[300] = '\0';
    char *long_name = xasprintf("%s.c", long_part);
    char *path = MAKE(f, "sub.tar", TAR, {.name = "ba\nnk.c", .data = "evil"},
                      {.name = "x\033[2J.c", .data = "evil"}, {.name = long_name, .data = "x"},
                      {.name = "bank.c", .data = BANK_SRC});
    assert_int_equal(grade(f, path), RL_OK);
    assert_found(f, "bank.c");
    assert_true(refused_has(f, "sub.tar: ba?nk.c: name has control characters; refused", NULL));
    assert_true(refused_has(f, "sub.tar: x?[2J.c: name has control characters", NULL));
    assert_true(refused_has(f, "name part longer than 255 bytes", NULL));
    for (size_t i = 0; i < f->sub.refused.n; i++) {
        const char *line = f->sub.refused.items[i];
        assert_true(strlen(line) < 200);
        for (const char *p = line; *p; p++)
            assert_false((unsigned char)*p < 0x20 || *p == 0x7f);
    }
    assert_int_equal(count_entries(f->sub.scratch), 1);
    free(long_name);
    free(path);
}

/* ---- submissions that cannot be used ----------------------------------- */

static void test_missing_path_is_error(void **state)
{
    fixture *f = *state;
    char *path = path_join(f->in, "nowhere.zip");
    assert_int_equal(grade(f, path), RL_ERR_SUBMISSION);
    assert_non_null(strstr(f->err.msg, path));
    assert_non_null(strstr(f->err.msg, "does not exist"));
    assert_null(f->sub.root);
    free(path);
}

/* Writes 4 KB of fixed pseudo-random noise, starting with prefix, to in/name. */
static char *put_noise(fixture *f, const char *name, const char *prefix)
{
    char noise[4096];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof noise; i++) {
        x = x * 1103515245u + 12345u;
        noise[i] = (char)(x >> 24);
    }
    noise[0] = 'Z'; /* not "PK" by chance */
    memcpy(noise, prefix, strlen(prefix));
    char *path = path_join(f->in, name);
    assert_int_equal(file_write(path, noise, sizeof noise, NULL), RL_OK);
    return path;
}

static void test_corrupt_zip_is_error(void **state)
{
    fixture *f = *state;
    char *path = put_noise(f, "sub.zip", "");
    assert_int_equal(grade(f, path), RL_ERR_SUBMISSION);
    assert_non_null(strstr(f->err.msg, path));
    assert_null(f->sub.root);
    assert_int_equal(count_entries(f->scratch), 0); /* no scratch left behind */
    free(path);
}

/* A zip signature followed by noise is taken for a zip, then fails at the
 * first entry, after the scratch folder exists: it must be removed. */
static void test_zip_signature_then_noise_is_error(void **state)
{
    fixture *f = *state;
    char *path = put_noise(f, "sub.zip", "PK\x03\x04");
    assert_int_equal(grade(f, path), RL_ERR_SUBMISSION);
    assert_non_null(strstr(f->err.msg, "cannot be read as an archive"));
    assert_null(f->sub.root);
    assert_null(f->sub.scratch);
    assert_int_equal(count_entries(f->scratch), 0);
    free(path);
}

static void test_text_named_tgz_is_error(void **state)
{
    fixture *f = *state;
    char *path = put(f, "submission.tar.gz", "this is my homework\n");
    assert_int_equal(grade(f, path), RL_ERR_SUBMISSION);
    char *want = xasprintf("%s is not a folder, .tar.gz or .zip: submit a folder or an archive "
                           "of it",
                           path);
    assert_string_equal(f->err.msg, want);
    assert_int_equal(count_entries(f->scratch), 0);
    free(want);
    free(path);
}

/* A truncated archive still yields what was read before the damage. */
static void test_truncated_tar_keeps_what_was_read(void **state)
{
    fixture *f = *state;
    char *path = MAKE(f, "sub.tar", TAR, {.name = "bank.c", .data = BANK_SRC},
                      {.name = "big.txt", .zeros = 100000});
    assert_int_equal(truncate(path, 20000), 0);
    assert_int_equal(grade(f, path), RL_OK);
    assert_found(f, "bank.c");
    assert_false(in_scratch(f, "big.txt"));
    assert_true(refused_has(f, "sub.tar: big.txt: data is damaged; refused", NULL));
    free(path);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_folder_flat),
        T(test_folder_under_lab_id),
        T(test_folder_under_short_name),
        T(test_folder_under_one_top_folder),
        T(test_folder_under_labs_id),
        T(test_folder_top_then_labs_id),
        T(test_folder_two_top_folders_not_searched),
        T(test_folder_flat_wins_over_nested),
        T(test_missing_file),
        T(test_folder_symlink_file_refused),
        T(test_folder_linked_folder_refused),
        T(test_folder_oversized_file_refused),
        T(test_folder_unreadable_file_refused),
        T(test_tgz_repo_with_labs),
        T(test_zip_short_name),
        T(test_tar_flat_with_dot_entry),
        T(test_zip_named_tgz_is_read),
        T(test_macosx_junk_ignored),
        T(test_close_removes_scratch),
        T(test_path_traversal_refused),
        T(test_absolute_path_refused),
        T(test_symlink_entry_refused),
        T(test_symlink_entry_in_zip_refused),
        T(test_hardlink_entry_refused),
        T(test_device_and_fifo_refused),
        T(test_oversized_entry_refused),
        T(test_oversized_entry_without_size_refused),
        T(test_entry_count_bomb),
        T(test_decompression_bomb_tgz),
        T(test_decompression_bomb_zip_without_sizes),
        T(test_total_cap_over_many_files),
        T(test_bad_names_refused),
        T(test_missing_path_is_error),
        T(test_corrupt_zip_is_error),
        T(test_zip_signature_then_noise_is_error),
        T(test_text_named_tgz_is_error),
        T(test_truncated_tar_keeps_what_was_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
