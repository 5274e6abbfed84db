/*
 * pack.c - the archive a student hands in, and the grader's check of its
 * manifest (see pack.h).
 *
 * Packing reads each student file once, refusing what the grader would
 * refuse (a link, something that is not a regular file, a file over
 * SUBMISSION_FILE_MAX), hashes those very bytes and writes them: what the
 * manifest vouches for is exactly what is in the archive. The archive is
 * written with libarchive (pax-restricted tar, gzip through zlib: no
 * external program), every entry a plain 0644 file owned by nobody in
 * particular, dated as the student's file was.
 *
 * Checking runs on the grader's side, on a submission that came from
 * anyone: the manifest is read only when it is a regular file of at most
 * PACK_MANIFEST_MAX bytes, every name in it must stay inside the
 * submission (no absolute path, no "..", no control character, no link on
 * the way) and is shortened before it is shown, and whatever is odd ends
 * up in the one note, never in a failure.
 */
#include "pack.h"

#include "submission.h"
#include "version.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NAME_MAX_BYTES 1024 /* bytes of a name the manifest may list */
#define NAMES_SHOWN 5       /* differing files named in the note */
#define SHOWN_MAX 80        /* bytes of one name in the note */

/* ---- packing ---- */

/* Reads one student file as the grader would accept it. */
static rl_status read_student_file(const char *lab, const char *path, pack_file *out, rl_err *err)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return rl_fail(err, RL_ERR_SUBMISSION, "%s: %s is missing (%s): restore it before packing",
                       lab, path, strerror(errno));
    if (S_ISLNK(st.st_mode))
        return rl_fail(err, RL_ERR_SUBMISSION,
                       "%s: %s is a symbolic link, which the grader refuses: put the file itself "
                       "there",
                       lab, path);
    if (!S_ISREG(st.st_mode))
        return rl_fail(err, RL_ERR_SUBMISSION, "%s: %s is not a regular file", lab, path);
    if (st.st_size > SUBMISSION_FILE_MAX)
        return rl_fail(err, RL_ERR_SUBMISSION,
                       "%s: %s is larger than 1 MB, which the grader refuses", lab, path);
    bool cut = false;
    rl_status s = file_read(path, SUBMISSION_FILE_MAX + 1, &out->data, &out->size, &cut, err);
    if (s != RL_OK)
        return s;
    if (cut) /* it grew since lstat */
        return rl_fail(err, RL_ERR_SUBMISSION,
                       "%s: %s is larger than 1 MB, which the grader refuses", lab, path);
    out->mtime = st.st_mtime;
    digest_sha256_hex(out->data, out->size, out->sha256);
    return RL_OK;
}

rl_status pack_collect(const lab_manifest *labs, size_t n, pack_file **files, size_t *nfiles,
                       rl_err *err)
{
    *files = NULL;
    *nfiles = 0;
    for (size_t l = 0; l < n; l++)
        for (size_t f = 0; f < labs[l].student_files.n; f++) {
            const char *name = labs[l].student_files.items[f];
            *files = xrealloc(*files, (*nfiles + 1) * sizeof **files);
            pack_file *p = &(*files)[(*nfiles)++];
            memset(p, 0, sizeof *p);
            p->entry = xasprintf("%s/%s", labs[l].id, name);
            p->path = path_join(labs[l].dir, name);
            rl_status s = read_student_file(labs[l].id, p->path, p, err);
            if (s != RL_OK) {
                pack_files_free(*files, *nfiles);
                *files = NULL;
                *nfiles = 0;
                return s;
            }
        }
    return RL_OK;
}

void pack_files_free(pack_file *files, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(files[i].entry);
        free(files[i].path);
        free(files[i].data);
    }
    free(files);
}

char *pack_manifest_text(const pack_file *files, size_t n)
{
    strbuf sb;
    sb_init(&sb);
    sb_printf(&sb,
              "# racelab-manifest 1\n"
              "# racelab %s\n"
              "# The files `racelab pack` put in this archive, with their SHA-256. Check them:\n"
              "#   tar xzf submission.tar.gz && grep -v '^#' %s | sha256sum -c\n",
              RACELAB_VERSION, PACK_MANIFEST);
    for (size_t i = 0; i < n; i++)
        sb_printf(&sb, "%s  %s\n", files[i].sha256, files[i].entry);
    return sb_take(&sb);
}

/* Adds one regular file entry. */
static rl_status add_entry(struct archive *a, const char *name, const char *data, size_t size,
                           time_t mtime, rl_err *err)
{
    struct archive_entry *e = archive_entry_new();
    if (!e)
        return rl_fail(err, RL_ERR_NOMEM, "out of memory packing %s", name);
    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, (la_int64_t)size);
    archive_entry_set_mtime(e, mtime, 0);
    rl_status s = RL_OK;
    if (archive_write_header(a, e) != ARCHIVE_OK ||
        (size && archive_write_data(a, data, size) != (la_ssize_t)size))
        s = rl_fail(err, RL_ERR_IO, "cannot pack %s: %s", name, archive_error_string(a));
    archive_entry_free(e);
    return s;
}

rl_status pack_write(const pack_file *files, size_t n, const char *output, rl_err *err)
{
    char *tmp = xasprintf("%s.%ld.partial", output, (long)getpid());
    char *manifest = pack_manifest_text(files, n);
    time_t newest = 0;
    rl_status s = RL_OK;
    struct archive *a = archive_write_new();
    if (!a) {
        s = rl_fail(err, RL_ERR_NOMEM, "out of memory packing %s", output);
        goto out;
    }
    if (archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
        archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
        archive_write_open_filename(a, tmp) != ARCHIVE_OK) {
        s = rl_fail(err, RL_ERR_IO, "cannot write %s: %s", tmp, archive_error_string(a));
        goto out;
    }
    for (size_t i = 0; i < n && s == RL_OK; i++) {
        s = add_entry(a, files[i].entry, files[i].data, files[i].size, files[i].mtime, err);
        newest = files[i].mtime > newest ? files[i].mtime : newest;
    }
    if (s == RL_OK)
        s = add_entry(a, PACK_MANIFEST, manifest, strlen(manifest), newest, err);
    if (archive_write_close(a) != ARCHIVE_OK && s == RL_OK)
        s = rl_fail(err, RL_ERR_IO, "cannot write %s: %s", tmp, archive_error_string(a));
    if (s == RL_OK && rename(tmp, output) != 0)
        s = rl_fail(err, RL_ERR_IO, "cannot write %s: %s", output, strerror(errno));
out:
    if (a)
        archive_write_free(a);
    if (s != RL_OK)
        unlink(tmp);
    free(manifest);
    free(tmp);
    return s;
}

/* ---- checking, on the grader's side ---- */

/* True for a name that stays inside the submission. */
static bool safe_name(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > NAME_MAX_BYTES || name[0] == '/')
        return false;
    for (const char *p = name; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return false;
    for (const char *part = name; *part;) {
        size_t n = strcspn(part, "/");
        if (n == 2 && part[0] == '.' && part[1] == '.')
            return false;
        part += n;
        part += strspn(part, "/");
    }
    return true;
}

/* NULL when name's file under root matches the hex digest `want`, else
 * why not: "changed", "missing", "a link", ... */
static const char *compare(const char *root, const char *name, const char *want)
{
    char *path = path_join(root, name);
    char *real = NULL, *data = NULL;
    const char *why = NULL;
    struct stat st;
    size_t len = 0;
    bool cut = false;
    if (lstat(path, &st) != 0)
        why = "missing";
    else if (S_ISLNK(st.st_mode))
        why = "a link";
    else if (!S_ISREG(st.st_mode) || st.st_size > SUBMISSION_FILE_MAX)
        why = "not a regular file of at most 1 MB";
    else if (!(real = realpath(path, NULL)) || strcmp(real, path) != 0)
        why = "inside a linked folder";
    else if (file_read(path, SUBMISSION_FILE_MAX, &data, &len, &cut, NULL) != RL_OK)
        why = "unreadable";
    if (!why) {
        char got[DIGEST_SHA256_HEX_SIZE];
        digest_sha256_hex(data, len, got);
        why = strcmp(got, want) == 0 ? NULL : "changed";
    }
    free(data);
    free(real);
    free(path);
    return why;
}

/* Parses "<64 hex>  name" (or " *name", sha256sum's binary mode); lowers
 * the hex digits into want. Returns the name, or NULL for another line. */
static const char *parse_line(const char *line, char want[DIGEST_SHA256_HEX_SIZE])
{
    for (int i = 0; i < 64; i++) {
        char c = line[i];
        if (c >= 'A' && c <= 'F')
            c = (char)(c - 'A' + 'a');
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return NULL;
        want[i] = c;
    }
    want[64] = '\0';
    if (line[64] != ' ' || (line[65] != ' ' && line[65] != '*'))
        return NULL;
    return line + 66;
}

/* A version from "# racelab X" made safe to show, or NULL. */
static char *packed_by(const char *line)
{
    if (strncmp(line, "# racelab ", 10) != 0)
        return NULL;
    const char *v = line + 10;
    size_t n = strspn(v, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.+-_");
    return n > 0 && n <= 40 && v[n] == '\0' ? xstrndup(v, n) : NULL;
}

/* Appends "name (why)" to the list of differences, the name shortened. */
static void add_difference(strbuf *list, unsigned *count, const char *name, const char *why)
{
    if ((*count)++ >= NAMES_SHOWN)
        return;
    size_t len = strlen(name);
    sb_printf(list, "%s%.*s%s (%s)", list->len ? ", " : "",
              (int)(len > SHOWN_MAX ? SHOWN_MAX : len), name, len > SHOWN_MAX ? "..." : "", why);
}

void pack_check_manifest(const char *root, strlist *notes)
{
    char *path = root ? path_join(root, PACK_MANIFEST) : NULL;
    char *text = NULL, *version = NULL;
    struct stat st;
    size_t len = 0;
    bool cut = false;
    if (!path || lstat(path, &st) != 0)
        goto out; /* no manifest: a submission packed some other way */
    if (!S_ISREG(st.st_mode) || st.st_size > PACK_MANIFEST_MAX ||
        file_read(path, PACK_MANIFEST_MAX, &text, &len, &cut, NULL) != RL_OK ||
        memchr(text, '\0', len)) {
        strlist_push(notes, PACK_MANIFEST " cannot be read (not a text file of at most 256 KB); "
                                          "the files were graded without it");
        goto out;
    }
    unsigned files = 0, differ = 0, odd = 0;
    strbuf list;
    sb_init(&list);
    for (char *line = text; *line;) {
        size_t n = strcspn(line, "\n");
        char *next = line[n] ? line + n + 1 : line + n;
        line[n] = '\0';
        if (n && line[n - 1] == '\r')
            line[n - 1] = '\0';
        char want[DIGEST_SHA256_HEX_SIZE];
        const char *name = NULL;
        if (line[0] == '#' && !version)
            version = packed_by(line);
        if (line[0] == '#' || line[0] == '\0') {
            /* a comment or an empty line */
        } else if (!(name = parse_line(line, want)) || !safe_name(name)) {
            odd++;
        } else {
            files++;
            const char *why = compare(root, name, want);
            if (why)
                add_difference(&list, &differ, name, why);
        }
        line = next;
    }
    if (differ || odd || files == 0) {
        strbuf note;
        sb_init(&note);
        sb_printf(&note, PACK_MANIFEST " (packed by racelab %s): ", version ? version : "?");
        if (differ)
            sb_printf(&note, "%u of %u files differ from what was packed: %s%s", differ, files,
                      list.data, differ > NAMES_SHOWN ? ", ..." : "");
        else if (files == 0)
            sb_append(&note, "it lists no file");
        if (odd)
            sb_printf(&note, "%s%u line%s could not be read", differ || files == 0 ? "; " : "", odd,
                      odd == 1 ? "" : "s");
        sb_append(&note, "; the files were graded as they are");
        strlist_push_owned(notes, sb_take(&note));
    }
    sb_free(&list);
out:
    free(version);
    free(text);
    free(path);
}
