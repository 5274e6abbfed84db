/*
 * session.h - what every grading subcommand sets up and tears down: where
 * the project is (labs/, solutions/, harness/lab_support), a private scratch
 * folder, the checked toolchain, the lab list, and writing the report to
 * stdout or, atomically, to a file.
 *
 * The project root is $RACELAB_ROOT when set, else the folder above the
 * racelab binary (build/racelab -> .), else the current folder.
 *
 * Ownership: session_open fills a session released by session_close(),
 * which also deletes the scratch folder (unless RACELAB_KEEP_WORK is set:
 * then it says where it is, for debugging a lab).
 */
#ifndef RL_SESSION_H
#define RL_SESSION_H

#include "cli.h"
#include "report.h"
#include "sandbox.h"
#include "toolchain.h"

typedef struct {
    char *root;
    char *labs_root;
    char *solutions_root;
    char *support_dir;
    char *probe_source;
    char *cache_dir; /* object_cache_dir(root), or NULL */
    char *scratch;
    int jobs; /* from --jobs, else the number of online cores */
    toolchain tc;
    sandbox sandbox; /* how trials are isolated, found once per session */
} session;

rl_status session_open(session *s, const cli_options *o, rl_err *err);

/* Every lab id (folders of labs/ holding a lab.ini), sorted. */
rl_status session_lab_ids(const session *s, strlist *ids, rl_err *err);

/* Checks the toolchain (once); fills s->tc. */
rl_status session_toolchain(session *s, rl_err *err);

/* Options every grading subcommand passes to grade_lab. */
grade_options session_grade_options(const session *s, const cli_options *o);

/* Writes r in o->format to o->output (via a temporary file renamed into
 * place, so a reader never sees half a file) or to stdout; the text format
 * is coloured when stdout is a terminal that wants it (term_fancy), never
 * in a file. r->color is ignored. */
rl_status session_write_report(const cli_options *o, const report *r, rl_err *err);

void session_close(session *s);

/* Frees every lab result and note of r (not r itself). */
void report_release(report *r);

#endif
