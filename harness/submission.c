/*
 * submission.c - opens an untrusted submission and finds a lab's student
 * files in it (see submission.h).
 *
 * A folder is used where it is. An archive is recognised by its content
 * (libarchive's tar, zip and gzip readers, nothing else, so no external
 * decompressor is ever run) and extracted into a private scratch folder.
 *
 * Extraction trusts nothing the archive says about itself. Before an entry
 * reaches the disk we check its name (no absolute path, no "..", no control
 * characters, no component over 255 bytes, 1024 in all), its type (regular
 * file or folder only: links, devices, FIFOs and sockets are refused) and
 * its declared size. Then every byte is counted as it is decompressed,
 * whether it is written or thrown away: a file that grows past
 * SUBMISSION_FILE_MAX is cut off and deleted, and once the archive has
 * expanded past SUBMISSION_ARCHIVE_MAX or holds more than
 * SUBMISSION_ENTRIES_MAX entries we stop reading. A lying header therefore
 * costs at most SUBMISSION_ARCHIVE_MAX bytes of work. libarchive's own
 * secure-extraction flags stay on underneath as a second line of defence;
 * because one of them refuses absolute paths, entries are written relative
 * to the scratch folder, which is why extraction briefly changes the
 * working directory.
 *
 * Refusals never stop the grading: each is one short line in `refused`,
 * and whatever was safe is still used. Only a submission that cannot be
 * read at all is an error.
 *
 * Finding a file tries the places students actually put it: flat, under
 * the lab's folder name with or without its "NN-" prefix, under labs/ID,
 * and the same again inside a single top-level folder (a zipped repository
 * or labs folder). A candidate must be a regular file reached without any
 * link, no larger than SUBMISSION_FILE_MAX.
 */
#include "submission.h"

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NAME_PART_MAX 255   /* bytes in one component of an entry name */
#define NAME_TOTAL_MAX 1024 /* bytes in a whole entry name */
#define SHOWN_NAME_MAX 120  /* bytes of a name quoted in a message */
#define MB (1024L * 1024)

/* The refusal lines spell the limits out; keep them in step. */
_Static_assert(SUBMISSION_FILE_MAX == 1 * MB, "messages say 1 MB");
_Static_assert(SUBMISSION_ARCHIVE_MAX == 64 * MB, "messages say 64 MB");
_Static_assert(SUBMISSION_ENTRIES_MAX == 2000, "messages say 2000 entries");

/* One archive being extracted. */
typedef struct {
    const char *label; /* the archive's sanitised base name, for messages */
    struct archive *in;
    struct archive *out;
    strlist *refused;
    size_t entries;  /* headers read so far */
    long long total; /* bytes decompressed so far, written or not */
    bool stop;       /* a cap was hit: read no further */
} extraction;

/* What happened to one entry's data. */
typedef enum {
    COPY_OK,
    COPY_TOO_BIG,   /* grew past SUBMISSION_FILE_MAX */
    COPY_BOMB,      /* the archive grew past SUBMISSION_ARCHIVE_MAX */
    COPY_READ_ERR,  /* the archive's data is damaged */
    COPY_WRITE_ERR, /* the disk refused it */
} copy_result;

/* Returns a copy of name fit for a one-line message: control characters
 * become '?' and anything past SHOWN_NAME_MAX bytes becomes "...". */
static char *shown_name(const char *name)
{
    size_t len = strlen(name);
    size_t keep = len > SHOWN_NAME_MAX ? SHOWN_NAME_MAX : len;
    char *s = xmalloc(keep + 4);
    for (size_t i = 0; i < keep; i++) {
        unsigned char c = (unsigned char)name[i];
        s[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    strcpy(s + keep, len > keep ? "..." : "");
    return s;
}

/* Records "label: name: why" (or "label: why" without a name). */
static void refuse(strlist *refused, const char *label, const char *name, const char *why)
{
    if (!name) {
        strlist_push_owned(refused, xasprintf("%s: %s", label, why));
        return;
    }
    char *shown = shown_name(name);
    strlist_push_owned(refused, xasprintf("%s: %s: %s", label, shown, why));
    free(shown);
}

/* The submission's base name for messages: "sub.zip" for "in/sub.zip/". */
static char *label_of(const char *path)
{
    char *copy = xstrdup(path);
    size_t len = strlen(copy);
    while (len > 1 && copy[len - 1] == '/')
        copy[--len] = '\0';
    char *label = shown_name(path_base(copy)[0] ? path_base(copy) : copy);
    free(copy);
    return label;
}

/* ---- entry checks ------------------------------------------------------ */

/* Whether name is the clutter macOS adds to archives (__MACOSX/, ._x,
 * .DS_Store), which is dropped without a word. */
static bool is_junk(const char *name)
{
    const char *last = name;
    size_t last_len = 0;
    for (const char *part = name; *part;) {
        size_t len = strcspn(part, "/");
        if (len == 8 && strncmp(part, "__MACOSX", 8) == 0)
            return true;
        last = part;
        last_len = len;
        part += len;
        part += strspn(part, "/");
    }
    return (last_len >= 2 && strncmp(last, "._", 2) == 0) ||
           (last_len == 9 && strncmp(last, ".DS_Store", 9) == 0);
}

/* Why an entry name cannot be used, or NULL when it is safe. */
static const char *name_problem(const char *name)
{
    if (!name)
        return "name cannot be read; refused";
    for (const char *p = name; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return "name has control characters; refused";
    if (strlen(name) > NAME_TOTAL_MAX)
        return "name longer than 1024 bytes; refused";
    if (name[0] == '/')
        return "absolute path; refused";
    for (const char *part = name; *part;) {
        size_t len = strcspn(part, "/");
        if (len == 2 && part[0] == '.' && part[1] == '.')
            return "path leaves the submission; refused";
        if (len > NAME_PART_MAX)
            return "name part longer than 255 bytes; refused";
        part += len;
        part += strspn(part, "/");
    }
    return NULL;
}

/* Why an entry's type or declared size cannot be used, or NULL. */
static const char *type_problem(struct archive_entry *e)
{
    if (archive_entry_hardlink(e))
        return "hard link; refused";
    switch (archive_entry_filetype(e)) {
    case AE_IFDIR:
        return NULL;
    case AE_IFREG:
        if (archive_entry_size_is_set(e) && archive_entry_size(e) > SUBMISSION_FILE_MAX)
            return "larger than 1 MB; refused";
        return NULL;
    case AE_IFLNK:
        return "symbolic link; refused";
    case AE_IFCHR:
    case AE_IFBLK:
        return "device; refused";
    case AE_IFIFO:
        return "FIFO; refused";
    case AE_IFSOCK:
        return "socket; refused";
    default:
        return "not a file or folder; refused";
    }
}

/* ---- extraction -------------------------------------------------------- */

/* Reads the current entry's data to its end, counting every byte against
 * the archive cap, and writes it to x->out when write is set, up to the
 * file cap. Reading on after the file cap costs little and keeps the count
 * honest; stopping at the archive cap sets x->stop. */
static copy_result copy_data(extraction *x, bool write)
{
    char buf[64 * 1024];
    long long written = 0;
    copy_result res = COPY_OK;
    for (;;) {
        la_ssize_t n = archive_read_data(x->in, buf, sizeof buf);
        if (n == 0)
            return res;
        if (n < 0)
            return COPY_READ_ERR;
        x->total += n;
        if (x->total > SUBMISSION_ARCHIVE_MAX) {
            x->stop = true;
            return COPY_BOMB;
        }
        if (!write || res != COPY_OK)
            continue;
        written += n;
        if (written > SUBMISSION_FILE_MAX)
            res = COPY_TOO_BIG;
        else if (archive_write_data(x->out, buf, (size_t)n) < 0)
            res = COPY_WRITE_ERR;
    }
}

/* Reads past an entry that is not extracted. */
static void skip_entry(extraction *x, const char *name)
{
    if (copy_data(x, false) == COPY_BOMB)
        refuse(x->refused, x->label, name,
               "archive expands to more than 64 MB; the rest was ignored");
}

/* The refusal line for an entry whose data went wrong. */
static const char *copy_problem(copy_result res)
{
    switch (res) {
    case COPY_TOO_BIG:
        return "larger than 1 MB; refused";
    case COPY_BOMB:
        return "archive expands to more than 64 MB; the rest was ignored";
    case COPY_READ_ERR:
        return "data is damaged; refused";
    default:
        return "could not be extracted; refused";
    }
}

/* Writes one regular file; a file that does not arrive whole is deleted,
 * so a truncated source never reaches the compiler. */
static void extract_file(extraction *x, struct archive_entry *e, const char *name)
{
    archive_entry_set_perm(e, (archive_entry_perm(e) & 0111) ? 0755 : 0644);
    if (archive_write_header(x->out, e) < ARCHIVE_WARN) {
        refuse(x->refused, x->label, name, "could not be extracted; refused");
        skip_entry(x, name);
        return;
    }
    copy_result res = copy_data(x, true);
    if (archive_write_finish_entry(x->out) < ARCHIVE_WARN && res == COPY_OK)
        res = COPY_WRITE_ERR;
    if (res == COPY_OK)
        return;
    unlink(name);
    refuse(x->refused, x->label, name, copy_problem(res));
}

/* Creates one folder. */
static void extract_folder(extraction *x, struct archive_entry *e, const char *name)
{
    archive_entry_set_perm(e, 0755);
    if (archive_write_header(x->out, e) < ARCHIVE_WARN ||
        archive_write_finish_entry(x->out) < ARCHIVE_WARN)
        refuse(x->refused, x->label, name, "could not be extracted; refused");
}

/* Extracts the entry just read, or skips it with a refusal line. */
static void extract_entry(extraction *x, struct archive_entry *e)
{
    const char *name = archive_entry_pathname(e);
    if (name && is_junk(name)) {
        skip_entry(x, name);
        return;
    }
    const char *why = name_problem(name);
    if (!why)
        why = type_problem(e);
    if (why) {
        refuse(x->refused, x->label, name, why);
        skip_entry(x, name);
    } else if (archive_entry_filetype(e) == AE_IFDIR) {
        extract_folder(x, e, name);
    } else {
        extract_file(x, e, name);
    }
}

/* Reads every entry of x->in into the working directory. Fails only when
 * not even the first entry can be read. */
static rl_status extract_entries(extraction *x, const char *path, rl_err *err)
{
    for (;;) {
        struct archive_entry *e = NULL;
        int r = archive_read_next_header(x->in, &e);
        if (r == ARCHIVE_EOF)
            return RL_OK;
        if (r < ARCHIVE_WARN && x->entries == 0)
            return rl_fail(err, RL_ERR_SUBMISSION,
                           "%s cannot be read as an archive (%s): submit a folder or a fresh "
                           "archive of it",
                           path, archive_error_string(x->in));
        if (r < ARCHIVE_WARN) {
            strlist_push_owned(x->refused,
                               xasprintf("%s: archive is damaged after %zu entries; the rest "
                                         "was ignored",
                                         x->label, x->entries));
            return RL_OK;
        }
        if (++x->entries > SUBMISSION_ENTRIES_MAX) {
            refuse(x->refused, x->label, NULL, "more than 2000 entries; the rest was ignored");
            return RL_OK;
        }
        extract_entry(x, e);
        if (x->stop)
            return RL_OK;
    }
}

/* Extracts into dir, entering it for the time being (see the top of the
 * file) and always coming back. */
static rl_status extract_in(extraction *x, const char *path, const char *dir, rl_err *err)
{
    int home = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (home < 0)
        return rl_fail(err, RL_ERR_IO, "cannot note the working folder: %s", strerror(errno));
    rl_status st = RL_OK;
    if (chdir(dir) != 0) {
        st = rl_fail(err, RL_ERR_IO, "%s: cannot enter: %s", dir, strerror(errno));
        goto out;
    }
    st = extract_entries(x, path, err);
    if (fchdir(home) != 0 && st == RL_OK)
        st = rl_fail(err, RL_ERR_IO, "cannot return to the working folder: %s", strerror(errno));
out:
    close(home);
    return st;
}

/* A reader for tar, zip and gzip, and nothing that runs another program. */
static struct archive *reader_new(void)
{
    struct archive *a = archive_read_new();
    if (!a)
        return NULL;
    archive_read_support_format_tar(a);
    archive_read_support_format_zip(a);
    archive_read_support_filter_gzip(a);
    return a;
}

/* A writer that restores no owner, time or mode, with libarchive's own
 * path checks on. */
static struct archive *writer_new(void)
{
    struct archive *a = archive_write_disk_new();
    if (!a)
        return NULL;
    archive_write_disk_set_options(a, ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                          ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                                          ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
    return a;
}

/* Makes the private scratch folder (under parent, or $TMPDIR) and returns
 * its real path. */
static rl_status make_scratch(const char *parent, char **out, rl_err *err)
{
    char *dir = NULL;
    rl_status st = RL_OK;
    if (parent) {
        dir = xasprintf("%s/racelab-submission-XXXXXX", parent);
        if (!mkdtemp(dir))
            st = rl_fail(err, RL_ERR_IO, "%s: cannot create a temporary folder: %s", parent,
                         strerror(errno));
    } else {
        st = dir_make_temp("submission", &dir, err);
    }
    if (st != RL_OK)
        goto out;
    *out = realpath(dir, NULL);
    if (!*out)
        st = rl_fail(err, RL_ERR_IO, "%s: %s", dir, strerror(errno));
out:
    free(dir);
    return st;
}

/* Extracts the archive open on fd into a fresh scratch folder. */
static rl_status open_archive(const char *path, int fd, const char *scratch_parent, submission *s,
                              rl_err *err)
{
    extraction x = {.label = s->label, .refused = &s->refused};
    rl_status st = RL_OK;
    x.in = reader_new();
    x.out = writer_new();
    if (!x.in || !x.out) {
        st = rl_fail(err, RL_ERR_NOMEM, "out of memory opening %s", path);
        goto out;
    }
    if (archive_read_open_fd(x.in, fd, 64 * 1024) != ARCHIVE_OK) {
        st = rl_fail(err, RL_ERR_SUBMISSION,
                     "%s is not a folder, .tar.gz or .zip: submit a folder or an archive of it",
                     path);
        goto out;
    }
    st = make_scratch(scratch_parent, &s->scratch, err);
    if (st != RL_OK)
        goto out;
    s->root = xstrdup(s->scratch);
    st = extract_in(&x, path, s->scratch, err);
out:
    if (x.in)
        archive_read_free(x.in);
    if (x.out)
        archive_write_free(x.out);
    return st;
}

/* The one line for a path that cannot be opened. */
static rl_status open_failure(const char *path, int error, rl_err *err)
{
    if (error == ENOENT || error == ENOTDIR)
        return rl_fail(err, RL_ERR_SUBMISSION, "%s does not exist: check the submission path",
                       path);
    return rl_fail(err, RL_ERR_SUBMISSION, "%s cannot be read (%s): make it readable by the grader",
                   path, strerror(error));
}

rl_status submission_open(const char *path, const char *scratch_parent, submission *out,
                          rl_err *err)
{
    memset(out, 0, sizeof *out);
    out->label = label_of(path);
    /* O_NONBLOCK: opening a FIFO must not hang the grader. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        rl_status st = open_failure(path, errno, err);
        submission_close(out);
        return st;
    }
    struct stat st_buf;
    rl_status st = RL_OK;
    if (fstat(fd, &st_buf) != 0) {
        st = open_failure(path, errno, err);
    } else if (S_ISDIR(st_buf.st_mode)) {
        out->root = realpath(path, NULL);
        if (!out->root)
            st = open_failure(path, errno, err);
    } else if (S_ISREG(st_buf.st_mode)) {
        st = open_archive(path, fd, scratch_parent, out, err);
    } else {
        st = rl_fail(err, RL_ERR_SUBMISSION,
                     "%s is not a folder, .tar.gz or .zip: submit a folder or an archive of it",
                     path);
    }
    close(fd);
    if (st != RL_OK)
        submission_close(out);
    return st;
}

/* ---- finding files ----------------------------------------------------- */

/* The lab id without its "NN-" prefix ("bank" for "01-bank"), or NULL. */
static const char *short_id(const char *id)
{
    const char *p = id;
    while (isdigit((unsigned char)*p))
        p++;
    return (p > id && *p == '-' && p[1]) ? p + 1 : NULL;
}

/* The name of the only folder at the top of root, ignoring hidden entries
 * and macOS clutter, or NULL when there is not exactly one. */
static char *single_top_folder(const char *root)
{
    strlist names = {0};
    char *top = NULL;
    size_t folders = 0;
    if (dir_list(root, &names, NULL) != RL_OK)
        goto out;
    for (size_t i = 0; i < names.n; i++) {
        const char *name = names.items[i];
        if (name[0] == '.' || strcmp(name, "__MACOSX") == 0)
            continue;
        char *full = path_join(root, name);
        struct stat st;
        if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
            folders++;
            free(top);
            top = xstrdup(name);
        }
        free(full);
    }
out:
    strlist_free(&names);
    if (folders != 1) {
        free(top);
        top = NULL;
    }
    return top;
}

/* Appends the places file may be, relative to root, in the order tried. */
static void candidates(const char *id, const char *top, const char *file, strlist *out)
{
    const char *shortened = short_id(id);
    for (int pass = 0; pass < 2; pass++) {
        const char *base = pass == 0 ? "" : top;
        if (!base)
            break;
        const char *sep = pass == 0 ? "" : "/";
        char *paths[] = {
            xasprintf("%s%s%s", base, sep, file),
            xasprintf("%s%s%s/%s", base, sep, id, file),
            shortened ? xasprintf("%s%s%s/%s", base, sep, shortened, file) : NULL,
            xasprintf("%s%slabs/%s/%s", base, sep, id, file),
        };
        for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
            if (paths[i] && !strlist_contains(out, paths[i]))
                strlist_push_owned(out, paths[i]);
            else
                free(paths[i]);
        }
    }
}

/* Checks root/rel. Returns 1 and sets *abs when it is usable, 0 when
 * nothing is there, -1 with *why when something is there but refused. */
static int inspect(const char *root, const char *rel, char **abs, const char **why)
{
    char *path = path_join(root, rel);
    char *real = NULL;
    struct stat st;
    int found = -1;
    if (lstat(path, &st) != 0) {
        found = (errno == ENOENT || errno == ENOTDIR) ? 0 : -1;
        *why = "cannot be read; refused";
    } else if (S_ISLNK(st.st_mode)) {
        *why = "symbolic link (submit the file itself); refused";
    } else if (!S_ISREG(st.st_mode)) {
        *why = "not a regular file; refused";
    } else if (st.st_size > SUBMISSION_FILE_MAX) {
        *why = "larger than 1 MB; refused";
    } else if (!(real = realpath(path, NULL)) || strcmp(real, path) != 0) {
        *why = "inside a linked folder (submit the folder itself); refused";
    } else if (access(path, R_OK) != 0) {
        *why = "cannot be read; refused";
    } else {
        found = 1;
        *abs = path;
        path = NULL;
    }
    free(real);
    free(path);
    return found;
}

/* Finds one student file; refusals are kept only if it is not found at
 * all, since a usable copy elsewhere makes them moot. */
static void find_file(submission *s, const char *id, const char *top, const char *file,
                      strlist *found, strlist *missing)
{
    strlist places = {0};
    strlist refusals = {0};
    char *abs = NULL;
    candidates(id, top, file, &places);
    for (size_t i = 0; i < places.n && !abs; i++) {
        const char *why = NULL;
        if (inspect(s->root, places.items[i], &abs, &why) < 0)
            refuse(&refusals, s->label, places.items[i], why);
    }
    if (abs) {
        strlist_push_owned(found, abs);
    } else {
        strlist_push(missing, file);
        for (size_t i = 0; i < refusals.n; i++)
            strlist_push(&s->refused, refusals.items[i]);
    }
    strlist_free(&places);
    strlist_free(&refusals);
}

rl_status submission_find(submission *s, const lab_manifest *lab, strlist *found, strlist *missing,
                          rl_err *err)
{
    if (!s->root || !lab->id)
        return rl_fail(err, RL_ERR_INTERNAL, "submission_find called without an open submission");
    char *top = single_top_folder(s->root);
    for (size_t i = 0; i < lab->student_files.n; i++)
        find_file(s, lab->id, top, lab->student_files.items[i], found, missing);
    free(top);
    return RL_OK;
}

void submission_close(submission *s)
{
    if (!s)
        return;
    if (s->scratch)
        dir_remove_tree(s->scratch, NULL);
    free(s->root);
    free(s->scratch);
    free(s->label);
    strlist_free(&s->refused);
    memset(s, 0, sizeof *s);
}
