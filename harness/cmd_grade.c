/*
 * cmd_grade.c - `racelab grade --submission PATH`: grades an untrusted
 * submission (folder, .tar.gz or .zip) and always writes a complete result
 * file, even when the submission is unusable or the toolchain is broken.
 * The grading itself is grade_submission(), shared with `racelab grade-all`.
 */
#include "commands.h"
#include "grade_submission.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: racelab grade --submission PATH [--lab LAB]... [--format F]\n"
    "                     [--output FILE] [--trials N] [--seed N] [--jobs N] [--timeout S]\n"
    "                     [--noise none|yield|sleep|pin|pct] [-v]\n"
    "Grades a submission: a folder, .tar.gz/.tgz or .zip holding the student files,\n"
    "at its top or in a folder named after the lab. Without --lab, every lab whose\n"
    "files are in the submission is graded. The result file is always written.\n"
    "Formats: text, json (racelab's schema), gradescope (results.json), autolab (last\n"
    "line {\"scores\": ...}), junit (XML for CI), prairielearn (results.json), html\n"
    "(one self-contained page for a browser).\n"
    "Exit status: 0 graded (whatever the score), 2 usage error or no student files\n"
    "found, 3 grader environment error (the result file says why).\n";

int cmd_grade(int argc, char **argv)
{
    cli_options o;
    rl_err err = {{0}};
    if (cli_parse(argc, argv, CLI_SUBMISSION | CLI_LAB_FLAG | CLI_RUN_FLAGS, &o, &err) != RL_OK) {
        fprintf(stderr, "racelab: %s\n", err.msg);
        return 2;
    }
    if (o.help || !o.submission) {
        bool help = o.help;
        fputs(usage, help ? stdout : stderr);
        cli_options_free(&o);
        return help ? 0 : 2;
    }
    session s;
    submission sub = {0};
    report r = {.submission = o.submission};
    int rc = 0;
    double start = now_seconds();
    if (session_open(&s, &o, &err) != RL_OK) {
        fprintf(stderr, "racelab: %s\n", err.msg);
        rc = 3;
        goto done;
    }
    if (grade_submission(&s, &o, o.submission, stderr, &sub, &r, &rc, &err) != RL_OK) {
        fprintf(stderr, "racelab: %s\n", err.msg);
        rc = 2;
        goto done;
    }
    r.verbose = o.verbose;
    r.seconds = now_seconds() - start;
    if (session_write_report(&o, &r, &err) != RL_OK) {
        fprintf(stderr, "racelab: %s\n", err.msg);
        rc = 3;
    }
done:
    report_release(&r);
    submission_close(&sub);
    session_close(&s);
    cli_options_free(&o);
    return rc;
}
