/*
 * submission.h - finds a lab's student files in an untrusted submission.
 *
 * A submission is a folder, a .tar.gz/.tgz, .tar or .zip (recognised by
 * content). Archives are extracted with libarchive into a private scratch
 * folder, refusing absolute paths, "..", links, devices, FIFOs, oversized
 * entries and archives that are too large or hold too many entries. Every
 * refusal is one line in `refused` (naming the entry and why); the rest of
 * the submission is still used.
 * Student files are looked for flat at the top, or under a folder named
 * after the lab ("01-bank/bank.c", "bank/bank.c", "labs/01-bank/bank.c"),
 * also inside the one top-level folder when there is exactly one, and must
 * be regular files (not links) no larger than SUBMISSION_FILE_MAX.
 *
 * submission_open changes the working directory while it extracts an
 * archive (libarchive refuses absolute paths, so it extracts relative to
 * the scratch folder) and restores it before returning: call it before the
 * harness starts any thread.
 *
 * Ownership: submission_open fills a submission the caller releases with
 * submission_close(), which also deletes any extraction folder.
 */
#ifndef RL_SUBMISSION_H
#define RL_SUBMISSION_H

#include "manifest.h"
#include "rl.h"
#include "util.h"

#define SUBMISSION_FILE_MAX (1024 * 1024)          /* one student file */
#define SUBMISSION_ARCHIVE_MAX (64L * 1024 * 1024) /* total extracted bytes */
#define SUBMISSION_ENTRIES_MAX 2000                /* entries in one archive */

typedef struct {
    char *root;      /* folder the files are looked up in (owned) */
    char *scratch;   /* extraction folder to delete on close, or NULL (owned) */
    char *label;     /* the submission's base name, sanitised, for messages (owned) */
    strlist refused; /* "submission.zip: ../x: path leaves the submission; refused" */
} submission;

/* Opens path (folder or archive). Fails with RL_ERR_SUBMISSION and one line
 * when path does not exist, is not a folder or a supported archive, or the
 * archive cannot be read at all. scratch_parent is where to extract (NULL:
 * $TMPDIR or /tmp). */
rl_status submission_open(const char *path, const char *scratch_parent, submission *out,
                          rl_err *err);

/* For each of lab->student_files, in order: appends its absolute path to
 * found, or its name to missing (and an explanation to s->refused when a
 * file by that name exists but was refused: a link, too large, ...). */
rl_status submission_find(submission *s, const lab_manifest *lab, strlist *found, strlist *missing,
                          rl_err *err);

void submission_close(submission *s);

#endif
