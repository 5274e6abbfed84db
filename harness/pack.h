/*
 * pack.h - the archive a student hands in (`racelab pack`, `make submit`)
 * and the grader's check of its manifest.
 *
 * The archive is a .tar.gz holding exactly the student files of every lab,
 * each under its lab's folder as lab.ini's student_files name it
 * ("01-bank/bank.c"), and PACK_MANIFEST at its top: each file's SHA-256 and
 * the racelab version that packed it, in the format `sha256sum -c` reads
 * ('#' lines aside):
 *
 *   # racelab-manifest 1
 *   # racelab 1.0.0
 *   # ...
 *   9f86d081884c7d65...  01-bank/bank.c
 *
 * The grader takes the archive as any submission (submission.h finds each
 * lab's files under its folder and ignores the manifest); then
 * pack_check_manifest compares what it graded with what was packed and
 * says so in one note when they differ. A mismatch is never a failure: the
 * files are graded as they are, and the note tells a grader to look.
 *
 * Ownership: pack_collect fills an array released with pack_files_free;
 * pack_manifest_text returns a new string; pack_check_manifest appends to
 * the caller's list.
 */
#ifndef RL_PACK_H
#define RL_PACK_H

#include "digest.h"
#include "manifest.h"
#include "rl.h"
#include "util.h"

#include <time.h>

#define PACK_MANIFEST "racelab-manifest.txt"
#define PACK_MANIFEST_MAX (256 * 1024) /* bytes of a manifest the grader reads */

/* One student file, read once: what is hashed is what is packed. */
typedef struct {
    char *entry; /* its name in the archive: "01-bank/bank.c" */
    char *path;  /* where it was read */
    char *data;
    size_t size;
    time_t mtime; /* the entry is dated as the file was */
    char sha256[DIGEST_SHA256_HEX_SIZE];
} pack_file;

/* Reads the student files of each lab from its folder (lab->dir), in the
 * order of the labs and of their student_files. Each must be a regular
 * file, not a link, of at most SUBMISSION_FILE_MAX bytes: what the grader
 * would accept. Fails with RL_ERR_SUBMISSION naming the first that is not. */
rl_status pack_collect(const lab_manifest *labs, size_t n, pack_file **files, size_t *nfiles,
                       rl_err *err);

void pack_files_free(pack_file *files, size_t n);

/* The text of PACK_MANIFEST for files. New string. */
char *pack_manifest_text(const pack_file *files, size_t n);

/* Writes the archive to output: every file, then PACK_MANIFEST. Written
 * beside output under a temporary name and renamed into place, so output
 * is never half an archive. */
rl_status pack_write(const pack_file *files, size_t n, const char *output, rl_err *err);

/* When root holds PACK_MANIFEST, compares every file it lists with the
 * file under root and appends one note to notes when any differs, is
 * missing, or the manifest cannot be read; appends nothing when every file
 * matches or there is no manifest. Never fails: the manifest came with an
 * untrusted submission and only informs. */
void pack_check_manifest(const char *root, strlist *notes);

#endif
