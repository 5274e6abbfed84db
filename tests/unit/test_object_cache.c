/*
 * test_object_cache.c - the probe's object cache (object_cache.h): a stored
 * object comes back byte for byte; every input of its key (a source's
 * bytes or name, a flag, the compiler) gives another key; a damaged,
 * truncated, emptied or swapped entry is refused and removed rather than
 * handed to the linker; hostile cache folders (a link for an entry, a
 * key that is not a key, a folder that cannot be written) never crash and
 * never write outside the cache; RACELAB_CACHE picks or turns off the
 * folder.
 */
#include "object_cache.h"
#include "util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

typedef struct {
    char *dir;   /* scratch folder of the test */
    char *cache; /* dir/cache */
    char *src;   /* dir/src/probe.c */
    toolchain tc;
    strlist argv, sources;
} fixture;

static void write_text(const char *path, const char *text)
{
    assert_int_equal(file_write(path, text, strlen(text), NULL), RL_OK);
}

static char *read_text(const char *path)
{
    char *text = NULL;
    if (file_read(path, 1 << 20, &text, NULL, NULL, NULL) != RL_OK)
        return NULL;
    return text;
}

static int setup(void **state)
{
    fixture *f = xcalloc(1, sizeof *f);
    char tmpl[] = "/tmp/racelab-test-cache-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    f->dir = xstrdup(tmpl);
    f->cache = path_join(f->dir, "cache");
    char *srcdir = path_join(f->dir, "src");
    assert_int_equal(dir_make(srcdir, NULL), RL_OK);
    f->src = path_join(srcdir, "probe.c");
    free(srcdir);
    write_text(f->src, "int probe(void) { return 1; }\n");
    f->tc.cc = xstrdup("/bin/sh"); /* any file: only its path, size and time count */
    f->tc.version = xstrdup("clang version 14.0.6");
    strlist_split(&f->argv, "clang -O1 -c probe.c -o probe.o");
    strlist_push(&f->sources, f->src);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    dir_remove_tree(f->dir, NULL);
    free(f->dir);
    free(f->cache);
    free(f->src);
    toolchain_free(&f->tc);
    strlist_free(&f->argv);
    strlist_free(&f->sources);
    free(f);
    return 0;
}

/* Stores text as the object under key, through a file in the scratch. */
static void store(fixture *f, const char *key, const char *text)
{
    char *obj = path_join(f->dir, "made.o");
    write_text(obj, text);
    object_cache_store(f->cache, key, obj);
    free(obj);
}

/* Fetches key into dir/got.o; returns its text, or NULL when refused. */
static char *fetch(fixture *f, const char *key)
{
    char *dest = path_join(f->dir, "got.o");
    unlink(dest);
    char *text = object_cache_fetch(f->cache, key, dest) ? read_text(dest) : NULL;
    free(dest);
    return text;
}

static char *entry(fixture *f, const char *key, const char *suffix)
{
    return xasprintf("%s/%s.o%s", f->cache, key, suffix);
}

static void stored_object_comes_back(void **state)
{
    fixture *f = *state;
    char *key = object_cache_key(&f->tc, &f->argv, &f->sources);
    assert_int_equal(strlen(key), 64);
    char *none = fetch(f, key);
    assert_null(none); /* nothing stored yet */
    store(f, key,
          "\x7f"
          "ELF object bytes\n");
    char *got = fetch(f, key);
    assert_non_null(got);
    assert_string_equal(got, "\x7f"
                             "ELF object bytes\n");
    free(got);
    free(key);
}

static void key_is_stable_and_ignores_the_folder(void **state)
{
    fixture *f = *state;
    char *a = object_cache_key(&f->tc, &f->argv, &f->sources);
    char *b = object_cache_key(&f->tc, &f->argv, &f->sources);
    assert_string_equal(a, b);
    /* the same file in another folder (each build has its own) */
    char *other_dir = path_join(f->dir, "elsewhere");
    assert_int_equal(dir_make(other_dir, NULL), RL_OK);
    char *other = path_join(other_dir, "probe.c");
    write_text(other, "int probe(void) { return 1; }\n");
    strlist moved = {0};
    strlist_push(&moved, other);
    char *c = object_cache_key(&f->tc, &f->argv, &moved);
    assert_string_equal(a, c);
    strlist_free(&moved);
    free(other);
    free(other_dir);
    free(a);
    free(b);
    free(c);
}

static void every_input_changes_the_key(void **state)
{
    fixture *f = *state;
    char *base = object_cache_key(&f->tc, &f->argv, &f->sources);
    char *k;

    write_text(f->src, "int probe(void) { return 2; }\n"); /* one byte of a source */
    k = object_cache_key(&f->tc, &f->argv, &f->sources);
    assert_string_not_equal(base, k);
    free(k);
    write_text(f->src, "int probe(void) { return 1; }\n");

    strlist flags = {0}; /* one flag */
    strlist_split(&flags, "clang -O2 -c probe.c -o probe.o");
    k = object_cache_key(&f->tc, &flags, &f->sources);
    assert_string_not_equal(base, k);
    free(k);
    strlist_free(&flags);

    strlist split = {0}; /* the same characters, split otherwise */
    strlist_split(&split, "clang -O1 -c probe.c -o probe.o");
    free(split.items[1]);
    split.items[1] = xstrdup("-O1 -c");
    free(split.items[2]);
    split.items[2] = xstrdup("");
    k = object_cache_key(&f->tc, &split, &f->sources);
    assert_string_not_equal(base, k);
    free(k);
    strlist_free(&split);

    free(f->tc.version); /* another compiler release */
    f->tc.version = xstrdup("clang version 19.1.7");
    k = object_cache_key(&f->tc, &f->argv, &f->sources);
    assert_string_not_equal(base, k);
    free(k);

    free(f->tc.cc); /* another compiler binary */
    f->tc.cc = xstrdup("/bin/true");
    k = object_cache_key(&f->tc, &f->argv, &f->sources);
    assert_string_not_equal(base, k);
    free(k);

    strlist missing = {0}; /* a source that cannot be read */
    strlist_push(&missing, "/nonexistent/probe.c");
    k = object_cache_key(&f->tc, &f->argv, &missing);
    assert_string_not_equal(base, k);
    free(k);
    strlist_free(&missing);
    free(base);
}

static void damaged_entries_are_refused_and_removed(void **state)
{
    fixture *f = *state;
    char *key = object_cache_key(&f->tc, &f->argv, &f->sources);
    char *object = entry(f, key, ""), *sum = entry(f, key, ".sha256");

    store(f, key, "good object\n"); /* a flipped byte */
    write_text(object, "good objecT\n");
    assert_null(fetch(f, key));
    assert_false(path_exists(object));
    assert_false(path_exists(sum));

    store(f, key, "good object\n"); /* truncated */
    write_text(object, "good");
    assert_null(fetch(f, key));
    assert_false(path_exists(object));

    store(f, key, "good object\n"); /* emptied */
    write_text(object, "");
    assert_null(fetch(f, key));

    store(f, key, "good object\n"); /* sum lost */
    unlink(sum);
    assert_null(fetch(f, key));

    store(f, key, "good object\n"); /* sum garbage, or too long */
    write_text(sum, "not a digest at all, far longer than sixty-four characters...........");
    assert_null(fetch(f, key));

    store(f, key, "good object\n"); /* another entry's object swapped in */
    char *other = object_cache_key(&f->tc, &f->argv, &f->argv);
    store(f, other, "other object\n");
    char *other_object = entry(f, other, "");
    assert_int_equal(rename(other_object, object), 0);
    assert_null(fetch(f, key));

    store(f, key, "good object\n"); /* it heals: stored again, it comes back */
    char *got = fetch(f, key);
    assert_non_null(got);
    assert_string_equal(got, "good object\n");
    free(got);
    free(other_object);
    free(other);
    free(object);
    free(sum);
    free(key);
}

static void links_and_bad_keys_are_not_followed(void **state)
{
    fixture *f = *state;
    char *key = object_cache_key(&f->tc, &f->argv, &f->sources);
    assert_int_equal(dir_make(f->cache, NULL), RL_OK);
    char *outside = path_join(f->dir, "outside.o");
    write_text(outside, "secret\n");
    char *object = entry(f, key, "");
    assert_int_equal(symlink(outside, object), 0); /* an entry that is a link */
    assert_null(fetch(f, key));
    char *kept = read_text(outside);
    assert_string_equal(kept, "secret\n");
    free(kept);
    unlink(object);

    /* a key that names another folder is never a path */
    assert_false(object_cache_fetch(f->cache, "../outside", outside));
    object_cache_store(f->cache, "../../evil", outside);
    char *evil = path_join(f->dir, "evil.o");
    assert_false(path_exists(evil));
    assert_false(object_cache_fetch(f->cache, "", outside));
    free(evil);

    /* no cache at all: nothing kept, nothing fetched, no crash */
    object_cache_store(NULL, key, outside);
    assert_false(object_cache_fetch(NULL, key, outside));
    free(object);
    free(outside);
    free(key);
}

static void unwritable_cache_is_skipped(void **state)
{
    fixture *f = *state;
    char *key = object_cache_key(&f->tc, &f->argv, &f->sources);
    char *file = path_join(f->dir, "a-file");
    write_text(file, "not a folder\n");
    char *obj = path_join(f->dir, "made.o");
    write_text(obj, "object\n");
    object_cache_store(file, key, obj); /* the cache "folder" is a file */
    char *still = read_text(file);
    assert_string_equal(still, "not a folder\n");
    free(still);
    assert_false(object_cache_fetch(file, key, obj));
    free(obj);
    free(file);
    free(key);
}

static void environment_picks_the_folder(void **state)
{
    (void)state;
    char *d = NULL;
    unsetenv("RACELAB_CACHE");
    d = object_cache_dir("/project");
    assert_string_equal(d, "/project/build/cache");
    free(d);
    setenv("RACELAB_CACHE", "/var/cache/racelab", 1);
    d = object_cache_dir("/project");
    assert_string_equal(d, "/var/cache/racelab");
    free(d);
    setenv("RACELAB_CACHE", "0", 1);
    assert_null(object_cache_dir("/project"));
    setenv("RACELAB_CACHE", "", 1);
    d = object_cache_dir("/project");
    assert_string_equal(d, "/project/build/cache");
    free(d);
    unsetenv("RACELAB_CACHE");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(stored_object_comes_back, setup, teardown),
        cmocka_unit_test_setup_teardown(key_is_stable_and_ignores_the_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(every_input_changes_the_key, setup, teardown),
        cmocka_unit_test_setup_teardown(damaged_entries_are_refused_and_removed, setup, teardown),
        cmocka_unit_test_setup_teardown(links_and_bad_keys_are_not_followed, setup, teardown),
        cmocka_unit_test_setup_teardown(unwritable_cache_is_skipped, setup, teardown),
        cmocka_unit_test(environment_picks_the_folder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
