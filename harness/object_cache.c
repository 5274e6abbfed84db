/*
 * object_cache.c - the probe's compiled objects kept between racelab runs
 * (see object_cache.h).
 */
#include "object_cache.h"

#include "digest.h"

#include <fcntl.h>
#include <gnu/libc-version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CACHE_FORMAT "racelab-object-cache 1"
#define OBJECT_CAP ((size_t)64 << 20) /* no probe object comes near this */
#define UNUSED_DAYS 30                /* entries not fetched for this long are removed */
#define SUM_SUFFIX ".sha256"

char *object_cache_dir(const char *root)
{
    const char *env = getenv("RACELAB_CACHE");
    if (env && strcmp(env, "0") == 0)
        return NULL;
    if (env && *env)
        return xstrdup(env);
    return path_join(root, "build/cache");
}

/* Appends a field of the key with its length, so that no two different
 * lists of fields hash the same bytes. */
static void put_field(strbuf *sb, const char *data, size_t len)
{
    sb_printf(sb, "%zu:", len);
    sb_appendn(sb, data, len);
    sb_append(sb, "\n");
}

char *object_cache_key(const toolchain *tc, const strlist *argv, const strlist *sources)
{
    strbuf sb;
    sb_init(&sb);
    sb_append(&sb, CACHE_FORMAT "\n");
    put_field(&sb, tc->cc, strlen(tc->cc));
    put_field(&sb, tc->version ? tc->version : "", tc->version ? strlen(tc->version) : 0);
    struct stat st;
    if (stat(tc->cc, &st) == 0)
        sb_printf(&sb, "%lld %lld.%09ld\n", (long long)st.st_size, (long long)st.st_mtim.tv_sec,
                  st.st_mtim.tv_nsec);
    const char *libc = gnu_get_libc_version();
    put_field(&sb, libc, strlen(libc));
    for (size_t i = 0; i < argv->n; i++)
        if (argv->items[i])
            put_field(&sb, argv->items[i], strlen(argv->items[i]));
    for (size_t i = 0; i < sources->n; i++) {
        char *text = NULL;
        size_t len = 0;
        const char *name = path_base(sources->items[i]); /* the folder changes per run */
        put_field(&sb, name, strlen(name));
        if (file_read(sources->items[i], OBJECT_CAP, &text, &len, NULL, NULL) == RL_OK)
            put_field(&sb, text, len);
        else
            sb_append(&sb, "unreadable\n");
        free(text);
    }
    char hex[DIGEST_SHA256_HEX_SIZE];
    digest_sha256_hex(sb.data, sb.len, hex);
    sb_free(&sb);
    return xstrdup(hex);
}

static bool is_key(const char *key)
{
    return strlen(key) == DIGEST_SHA256_HEX_SIZE - 1 &&
           strspn(key, "0123456789abcdef") == DIGEST_SHA256_HEX_SIZE - 1;
}

static void remove_entry(const char *object, const char *sum)
{
    unlink(object);
    unlink(sum);
}

bool object_cache_fetch(const char *cache_dir, const char *key, const char *dest)
{
    if (!cache_dir || !is_key(key))
        return false;
    char *object = xasprintf("%s/%s.o", cache_dir, key);
    char *sum = xasprintf("%s/%s.o" SUM_SUFFIX, cache_dir, key);
    char *data = NULL, *want = NULL;
    size_t len = 0;
    bool truncated = false, ok = false;
    if (path_is_regular(object) && path_is_regular(sum) &&
        file_read(object, OBJECT_CAP, &data, &len, &truncated, NULL) == RL_OK && !truncated &&
        file_read(sum, DIGEST_SHA256_HEX_SIZE * 2, &want, NULL, NULL, NULL) == RL_OK) {
        char hex[DIGEST_SHA256_HEX_SIZE];
        digest_sha256_hex(data, len, hex);
        ok = len > 0 && strncmp(want, hex, DIGEST_SHA256_HEX_SIZE - 1) == 0 &&
             (want[DIGEST_SHA256_HEX_SIZE - 1] == '\0' || want[DIGEST_SHA256_HEX_SIZE - 1] == '\n');
        if (!ok)
            remove_entry(object, sum);
        else if (file_write(dest, data, len, NULL) != RL_OK)
            ok = false;
        else
            utimensat(AT_FDCWD, object, NULL, 0); /* used now: kept longer */
    }
    free(data);
    free(want);
    free(object);
    free(sum);
    return ok;
}

/* Writes data to path through a temporary file in the same folder. */
static bool write_atomically(const char *path, const char *data, size_t len)
{
    char *tmp = xasprintf("%s.tmp-%ld", path, (long)getpid());
    bool ok = file_write(tmp, data, len, NULL) == RL_OK && rename(tmp, path) == 0;
    if (!ok)
        unlink(tmp);
    free(tmp);
    return ok;
}

/* Removes the entries nobody fetched for UNUSED_DAYS, and temporary files
 * a killed racelab left behind. */
static void prune(const char *cache_dir)
{
    strlist names = {0};
    if (dir_list(cache_dir, &names, NULL) != RL_OK)
        return;
    time_t now = time(NULL);
    for (size_t i = 0; i < names.n; i++) {
        const char *name = names.items[i];
        size_t n = strlen(name);
        char *path = path_join(cache_dir, name);
        struct stat st;
        bool object = n > 2 && strcmp(name + n - 2, ".o") == 0;
        if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && (strstr(name, ".tmp-") || object) &&
            now - st.st_mtime > (time_t)UNUSED_DAYS * 24 * 3600) {
            char *sum = xasprintf("%s" SUM_SUFFIX, path);
            remove_entry(path, object ? sum : path);
            free(sum);
        }
        free(path);
    }
    strlist_free(&names);
}

void object_cache_store(const char *cache_dir, const char *key, const char *path)
{
    if (!cache_dir || !is_key(key) || dir_make(cache_dir, NULL) != RL_OK)
        return;
    char *data = NULL;
    size_t len = 0;
    bool truncated = false;
    if (file_read(path, OBJECT_CAP, &data, &len, &truncated, NULL) != RL_OK || truncated ||
        len == 0) {
        free(data);
        return;
    }
    prune(cache_dir);
    char hex[DIGEST_SHA256_HEX_SIZE];
    digest_sha256_hex(data, len, hex);
    char *object = xasprintf("%s/%s.o", cache_dir, key);
    char *sum = xasprintf("%s" SUM_SUFFIX, object);
    /* the sum first: an object is only ever seen with its sum beside it */
    if (!write_atomically(sum, hex, strlen(hex)) || !write_atomically(object, data, len))
        remove_entry(object, sum);
    free(object);
    free(sum);
    free(data);
}
