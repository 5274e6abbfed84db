/*
 * cmd_pack.c - `racelab pack [--output FILE]`: packs the student files of
 * every lab of the working copy into the archive a student hands in (see
 * pack.h), submission.tar.gz in the project folder unless told otherwise.
 * `make submit` checks every lab first, then runs this.
 */
#include "commands.h"
#include "pack.h"

#include <stdio.h>
#include <stdlib.h>

static const char usage[] =
    "usage: racelab pack [--output FILE]\n"
    "Packs your files of every lab into the archive you hand in (default:\n"
    "submission.tar.gz in the project folder): each lab's student files under its\n"
    "folder (01-bank/bank.c) and racelab-manifest.txt with their SHA-256 and the\n"
    "racelab version. The grader takes it as it is:\n"
    "  racelab grade --submission submission.tar.gz\n"
    "`make submit` checks every lab first (racelab check), then packs.\n"
    "Exit status: 0 packed, 2 usage error or a student file missing or refused,\n"
    "3 the archive could not be written.\n";

/* Loads every lab of the working copy. */
static rl_status load_all(const session *s, lab_manifest **labs, size_t *n, rl_err *err)
{
    strlist ids = {0};
    rl_status st = session_lab_ids(s, &ids, err);
    *labs = xcalloc(ids.n + 1, sizeof **labs);
    *n = 0;
    for (size_t i = 0; st == RL_OK && i < ids.n; i++) {
        st = manifest_load(s->labs_root, s->solutions_root, ids.items[i], &(*labs)[*n], err);
        if (st == RL_OK)
            (*n)++;
    }
    strlist_free(&ids);
    return st;
}

int cmd_pack(int argc, char **argv)
{
    cli_options o;
    int rc0 = cli_start(argc, argv, CLI_OUTPUT, usage, &o);
    if (rc0 >= 0)
        return rc0;
    rl_err err = {{0}};
    session s;
    lab_manifest *labs = NULL;
    pack_file *files = NULL;
    size_t n = 0, nfiles = 0;
    char *output = NULL;
    int rc = 2;
    if (session_open(&s, &o, &err) != RL_OK || load_all(&s, &labs, &n, &err) != RL_OK ||
        pack_collect(labs, n, &files, &nfiles, &err) != RL_OK)
        goto fail;
    output = o.output ? xstrdup(o.output) : path_join(s.root, "submission.tar.gz");
    rc = 3;
    if (pack_write(files, nfiles, output, &err) != RL_OK)
        goto fail;
    for (size_t i = 0; i < nfiles; i++)
        printf("  %-40s %7zu bytes  sha256 %.16s...\n", files[i].entry, files[i].size,
               files[i].sha256);
    printf("racelab: packed %zu files of %zu labs and %s into %s\n"
           "racelab: hand in %s (racelab grade --submission %s grades it)\n",
           nfiles, n, PACK_MANIFEST, output, output, output);
    rc = 0;
    goto done;
fail:
    fprintf(stderr, "racelab: %s\n", err.msg);
done:
    pack_files_free(files, nfiles);
    for (size_t i = 0; i < n; i++)
        manifest_free(&labs[i]);
    free(labs);
    free(output);
    session_close(&s);
    cli_options_free(&o);
    return rc;
}
