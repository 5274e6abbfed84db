/*
 * cli.h - the command-line options of racelab's subcommands, parsed in one
 * place so every subcommand spells and checks them the same way.
 *
 * Ownership: cli_parse fills a cli_options released by cli_options_free().
 */
#ifndef RL_CLI_H
#define RL_CLI_H

#include "report.h"
#include "rl.h"
#include "util.h"

#include <stdbool.h>

typedef struct {
    strlist labs;         /* positional LABs (check) and --lab (grade) */
    strlist paths;        /* positional arguments that are not labs (grade-all's DIR,
                             regrade-diff's two files, new's NAME) */
    char *submission;     /* --submission PATH */
    report_format format; /* --format */
    char *output;         /* --output FILE, NULL for stdout */
    int trials;           /* --trials N, 0: each lab's default */
    double timeout;       /* --timeout S, 0: each lab's default */
    unsigned seed;        /* --seed N */
    int jobs;             /* --jobs N, 0: the number of cores */
    const char *noise;    /* --noise MODE, NULL: rotate through the modes */
    char *output_dir;     /* --output-dir OUT */
    char *from;           /* --from LAB */
    bool verbose;         /* -v */
    bool help;            /* -h / --help */
} cli_options;

/* Which options a subcommand takes. */
enum {
    CLI_LABS_POSITIONAL = 1 << 0,
    CLI_SUBMISSION = 1 << 1,
    CLI_LAB_FLAG = 1 << 2,
    CLI_RUN_FLAGS = 1 << 3,   /* --trials --seed --jobs --timeout --noise --format --output -v */
    CLI_TRIAL_FLAGS = 1 << 4, /* --trials --seed --jobs --timeout --noise only */
    CLI_PATHS_POSITIONAL = 1 << 5, /* positional arguments go to paths */
    CLI_OUTPUT_DIR = 1 << 6,       /* --output-dir OUT */
    CLI_FROM = 1 << 7,             /* --from LAB */
    CLI_OUTPUT = 1 << 8,           /* --output FILE alone (pack) */
};

/* Parses argv (argv[0] is the subcommand) for a subcommand taking `allowed`.
 * Fails with RL_ERR_USAGE and one line naming the bad argument. */
rl_status cli_parse(int argc, char **argv, unsigned allowed, cli_options *out, rl_err *err);

void cli_options_free(cli_options *o);

/* Every subcommand's start: parses argv into o, or says why not (one line,
 * exit status 2), or prints usage for --help (exit status 0). Returns -1
 * when the subcommand should go on (o is then the caller's to free), else
 * the exit status to return (o already freed). */
int cli_start(int argc, char **argv, unsigned allowed, const char *usage, cli_options *o);

#endif
