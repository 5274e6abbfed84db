/*
 * util.c - growable strings, string lists, files and folders (see util.h).
 */
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void out_of_memory(void)
{
    fputs("racelab: out of memory\n", stderr);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        out_of_memory();
    return p;
}

char *xstrdup(const char *s)
{
    return s ? xstrndup(s, strlen(s)) : NULL;
}

char *xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = NULL;
    int n = vasprintf(&p, fmt, ap);
    va_end(ap);
    if (n < 0)
        out_of_memory();
    return p;
}

void sb_init(strbuf *sb)
{
    sb->cap = 64;
    sb->len = 0;
    sb->data = xmalloc(sb->cap);
    sb->data[0] = '\0';
}

static void sb_reserve(strbuf *sb, size_t extra)
{
    if (!sb->data)
        sb_init(sb);
    if (sb->len + extra + 1 <= sb->cap)
        return;
    while (sb->len + extra + 1 > sb->cap)
        sb->cap *= 2;
    sb->data = xrealloc(sb->data, sb->cap);
}

void sb_appendn(strbuf *sb, const char *s, size_t n)
{
    sb_reserve(sb, n);
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void sb_append(strbuf *sb, const char *s)
{
    sb_appendn(sb, s, strlen(s));
}

void sb_printf(strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n > 0) {
        sb_reserve(sb, (size_t)n);
        vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap2);
        sb->len += (size_t)n;
    }
    va_end(ap2);
}

char *sb_take(strbuf *sb)
{
    if (!sb->data)
        sb_init(sb);
    char *s = sb->data;
    sb->data = NULL;
    sb->len = sb->cap = 0;
    return s;
}

void sb_free(strbuf *sb)
{
    free(sb->data);
    sb->data = NULL;
    sb->len = sb->cap = 0;
}

void strlist_push_owned(strlist *l, char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->items = xrealloc(l->items, l->cap * sizeof *l->items);
    }
    l->items[l->n++] = s;
}

void strlist_push(strlist *l, const char *s)
{
    strlist_push_owned(l, xstrdup(s));
}

bool strlist_contains(const strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i], s) == 0)
            return true;
    return false;
}

void strlist_free(strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = l->cap = 0;
}

void strlist_split(strlist *l, const char *s)
{
    const char *seps = " \t,";
    while (s && *s) {
        s += strspn(s, seps);
        size_t n = strcspn(s, seps);
        if (n)
            strlist_push_owned(l, xstrndup(s, n));
        s += n;
    }
}

char *path_join(const char *a, const char *b)
{
    size_t la = strlen(a);
    if (la && a[la - 1] == '/')
        return xasprintf("%s%s", a, b);
    return xasprintf("%s/%s", a, b);
}

const char *path_base(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

bool path_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool path_is_regular(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool path_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

rl_status file_read(const char *path, size_t cap, char **out, size_t *len, bool *truncated,
                    rl_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return rl_fail(err, errno == ENOENT ? RL_ERR_NOT_FOUND : RL_ERR_IO, "%s: %s", path,
                       strerror(errno));
    strbuf sb;
    sb_init(&sb);
    char buf[65536];
    bool more = false;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            sb_free(&sb);
            return rl_fail(err, RL_ERR_IO, "%s: %s", path, strerror(e));
        }
        if (n == 0)
            break;
        size_t room = cap - sb.len;
        if ((size_t)n > room) {
            sb_appendn(&sb, buf, room);
            more = true;
            break;
        }
        sb_appendn(&sb, buf, (size_t)n);
    }
    close(fd);
    if (len)
        *len = sb.len;
    if (truncated)
        *truncated = more;
    *out = sb_take(&sb);
    return RL_OK;
}

/* Writes data to path, opened with the extra open flags given. */
static rl_status write_whole(const char *path, int flags, const char *data, size_t len, rl_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | flags, 0644);
    if (fd < 0)
        return rl_fail(err, RL_ERR_IO, "%s: cannot %s: %s", path,
                       flags & O_EXCL ? "create" : "write", strerror(errno));
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            return rl_fail(err, RL_ERR_IO, "%s: cannot write: %s", path, strerror(e));
        }
        done += (size_t)n;
    }
    if (close(fd) != 0)
        return rl_fail(err, RL_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    return RL_OK;
}

rl_status file_write(const char *path, const char *data, size_t len, rl_err *err)
{
    return write_whole(path, O_TRUNC, data, len, err);
}

rl_status file_create(const char *path, const char *data, size_t len, rl_err *err)
{
    return write_whole(path, O_EXCL, data, len, err);
}

rl_status file_copy(const char *from, const char *to, rl_err *err)
{
    char *data = NULL;
    size_t len = 0;
    rl_status st = file_read(from, (size_t)1 << 30, &data, &len, NULL, err);
    if (st != RL_OK)
        return st;
    st = file_write(to, data, len, err);
    free(data);
    return st;
}

rl_status dir_make(const char *path, rl_err *err)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            rl_status st =
                rl_fail(err, RL_ERR_IO, "%s: cannot create folder: %s", p, strerror(errno));
            free(p);
            return st;
        }
        *s = '/';
    }
    rl_status st = RL_OK;
    if (mkdir(p, 0755) != 0 && errno != EEXIST)
        st = rl_fail(err, RL_ERR_IO, "%s: cannot create folder: %s", p, strerror(errno));
    else if (!path_is_dir(p))
        st = rl_fail(err, RL_ERR_IO, "%s: exists and is not a folder", p);
    free(p);
    return st;
}

/* Removes name inside the open folder parent, recursing into folders without
 * following links (unlinkat/openat with O_NOFOLLOW). */
static int remove_at(int parent, const char *name)
{
    if (unlinkat(parent, name, 0) == 0 || errno == ENOENT)
        return 0;
    if (errno != EISDIR && errno != EPERM)
        return -1;
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    fchmod(fd, 0700);
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (remove_at(dirfd(d), e->d_name) != 0)
            rc = -1;
    }
    closedir(d);
    if (unlinkat(parent, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
        rc = -1;
    return rc;
}

rl_status dir_remove_tree(const char *path, rl_err *err)
{
    if (remove_at(AT_FDCWD, path) != 0)
        return rl_fail(err, RL_ERR_IO, "%s: cannot remove: %s", path, strerror(errno));
    return RL_OK;
}

rl_status dir_make_temp(const char *prefix, char **out, rl_err *err)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp || !path_is_dir(tmp))
        tmp = "/tmp";
    char *tmpl = xasprintf("%s/racelab-%s-XXXXXX", tmp, prefix);
    if (!mkdtemp(tmpl)) {
        rl_status st = rl_fail(err, RL_ERR_IO, "%s: cannot create a temporary folder: %s", tmp,
                               strerror(errno));
        free(tmpl);
        return st;
    }
    *out = tmpl;
    return RL_OK;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

rl_status dir_list(const char *path, strlist *out, rl_err *err)
{
    DIR *d = opendir(path);
    if (!d)
        return rl_fail(err, errno == ENOENT ? RL_ERR_NOT_FOUND : RL_ERR_IO, "%s: %s", path,
                       strerror(errno));
    size_t first = out->n;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            strlist_push(out, e->d_name);
    }
    closedir(d);
    if (out->n > first)
        qsort(out->items + first, out->n - first, sizeof *out->items, compare_strings);
    return RL_OK;
}

double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool name_matches(const char *pattern, const char *name)
{
    return fnmatch(pattern, name, 0) == 0;
}
