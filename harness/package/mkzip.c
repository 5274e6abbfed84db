/*
 * mkzip.c - writes a .zip of a folder's contents, for `make autograder`
 * (Gradescope takes the autograder as a zip with setup.sh at its top).
 *
 * Usage: mkzip OUT.zip DIR. Entries are DIR's files and folders, named
 * relative to DIR, in sorted order, each with its Unix permissions (so
 * setup.sh and run_autograder stay executable), owner root and, when
 * SOURCE_DATE_EPOCH is set, that time: the same tree gives the same zip.
 * Links and special files are refused. The zip is written to OUT.partial
 * and renamed, so a failed run never leaves half a zip behind.
 *
 * It uses libarchive, which racelab already needs, rather than zip(1) or
 * python3, which a Debian system need not have.
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static long long fixed_mtime = -1; /* SOURCE_DATE_EPOCH, or -1 */

/* Copies the file at fd into the archive's current entry. */
static int copy_data(struct archive *zip, int fd)
{
    char buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        if (archive_write_data(zip, buf, (size_t)n) != n)
            return -1;
    return n < 0 ? -1 : 0;
}

/* Adds the entry at path (named name inside the zip), and below it for a
 * folder. Returns 0, or -1 after printing why. */
static int add(struct archive *zip, const char *path, const char *name)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        fprintf(stderr, "mkzip: %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "mkzip: %s: not a file or folder, not packed\n", path);
        return -1;
    }
    int rc = 0, fd = -1;
    struct archive_entry *e = archive_entry_new();
    if (*name) {
        archive_entry_set_pathname(e, name);
        archive_entry_set_filetype(e, S_ISDIR(st.st_mode) ? AE_IFDIR : AE_IFREG);
        archive_entry_set_perm(e, st.st_mode & 0755);
        archive_entry_set_uid(e, 0);
        archive_entry_set_gid(e, 0);
        archive_entry_set_mtime(e, fixed_mtime >= 0 ? fixed_mtime : st.st_mtime, 0);
        archive_entry_set_size(e, S_ISREG(st.st_mode) ? st.st_size : 0);
        if (S_ISREG(st.st_mode) && (fd = open(path, O_RDONLY)) < 0) {
            fprintf(stderr, "mkzip: %s: %s\n", path, strerror(errno));
            rc = -1;
        } else if (archive_write_header(zip, e) != ARCHIVE_OK ||
                   (fd >= 0 && copy_data(zip, fd) != 0)) {
            fprintf(stderr, "mkzip: %s: %s\n", path, archive_error_string(zip));
            rc = -1;
        }
        if (fd >= 0)
            close(fd);
    }
    archive_entry_free(e);
    if (rc != 0 || !S_ISDIR(st.st_mode))
        return rc;

    struct dirent **names;
    int n = scandir(path, &names, NULL, alphasort);
    if (n < 0) {
        fprintf(stderr, "mkzip: %s: %s\n", path, strerror(errno));
        return -1;
    }
    for (int i = 0; i < n; i++) {
        const char *d = names[i]->d_name;
        if (rc == 0 && strcmp(d, ".") != 0 && strcmp(d, "..") != 0) {
            size_t lp = strlen(path) + strlen(d) + 2, ln = strlen(name) + strlen(d) + 2;
            char *child = malloc(lp), *child_name = malloc(ln);
            if (!child || !child_name) {
                rc = -1;
            } else {
                snprintf(child, lp, "%s/%s", path, d);
                snprintf(child_name, ln, "%s%s%s", name, *name ? "/" : "", d);
                rc = add(zip, child, child_name);
            }
            free(child);
            free(child_name);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: mkzip OUT.zip DIR\n");
        return 2;
    }
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    if (epoch && *epoch)
        fixed_mtime = strtoll(epoch, NULL, 10);
    size_t len = strlen(argv[1]) + sizeof ".partial";
    char *partial = malloc(len);
    if (!partial)
        return 1;
    snprintf(partial, len, "%s.partial", argv[1]);

    struct archive *zip = archive_write_new();
    int rc = 1;
    if (archive_write_set_format_zip(zip) != ARCHIVE_OK ||
        archive_write_zip_set_compression_deflate(zip) != ARCHIVE_OK ||
        archive_write_open_filename(zip, partial) != ARCHIVE_OK)
        fprintf(stderr, "mkzip: %s: %s\n", partial, archive_error_string(zip));
    else if (add(zip, argv[2], "") == 0 && archive_write_close(zip) == ARCHIVE_OK)
        rc = 0;
    archive_write_free(zip);
    if (rc == 0 && rename(partial, argv[1]) != 0) {
        fprintf(stderr, "mkzip: %s: %s\n", argv[1], strerror(errno));
        rc = 1;
    }
    if (rc != 0)
        unlink(partial);
    free(partial);
    return rc;
}
