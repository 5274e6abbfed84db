/*
 * cmd_regrade_diff.c - `racelab regrade-diff OLD.csv NEW.csv`: compares two
 * gradebooks written by `racelab grade-all` (typically before and after a
 * regrade) and lists every student whose points changed, check by check,
 * then one summary line. The files are untrusted text: the reader
 * (gradebook.c) refuses anything it could misread with one line naming the
 * file and the line.
 */
#include "cli.h"
#include "commands.h"
#include "gradebook.h"
#include "gradebook_diff.h"

#include <stdio.h>

static const char usage[] =
    "usage: racelab regrade-diff OLD.csv NEW.csv\n"
    "Compares two gradebooks written by `racelab grade-all` (OUT/gradebook.csv),\n"
    "for example before and after a regrade. Lists every student whose total\n"
    "changed, or whose points moved between checks, or who is in one file only:\n"
    "  alice: 85/100 \u2192 100/100 (+15)\n"
    "      01-bank race-free: 35 \u2192 50\n"
    "then one summary line.\n"
    "Exit status: 0 nothing changed, 1 something changed, 2 usage error or a file\n"
    "that is not a gradebook (one line naming the file and the line).\n";

int cmd_regrade_diff(int argc, char **argv)
{
    cli_options o;
    int rc0 = cli_start(argc, argv, CLI_PATHS_POSITIONAL, usage, &o);
    if (rc0 >= 0)
        return rc0;
    int rc = 2;
    gradebook old = {0}, new_ = {0};
    rl_err err = {{0}};
    if (o.paths.n != 2) {
        fprintf(stderr,
                "racelab: regrade-diff takes two gradebooks, OLD.csv and NEW.csv (got %zu); "
                "see `racelab regrade-diff --help`\n",
                o.paths.n);
    } else if (gradebook_read_file(o.paths.items[0], &old, &err) != RL_OK ||
               gradebook_read_file(o.paths.items[1], &new_, &err) != RL_OK) {
        fprintf(stderr, "racelab: %s\n", err.msg);
    } else {
        strbuf out;
        sb_init(&out);
        gradebook_diff_stats stats;
        gradebook_diff(&old, &new_, &out, &stats);
        gradebook_diff_summary(&stats, &out);
        fputs(out.data, stdout);
        sb_free(&out);
        rc = stats.changed ? 1 : 0;
    }
    gradebook_free(&old);
    gradebook_free(&new_);
    cli_options_free(&o);
    return rc;
}
