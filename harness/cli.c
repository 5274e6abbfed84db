/*
 * cli.c - option parsing for every subcommand (see cli.h). Hand-written
 * rather than getopt so that errors name the subcommand's own options and
 * "--opt=value" and "--opt value" both work.
 */
#include "cli.h"

#include "grade.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool parse_count(const char *s, long lo, long hi, long *out)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* Splits "--name=value" or takes the next argument as the value. */
static const char *option_value(int argc, char **argv, int *i, const char *arg, rl_err *err,
                                rl_status *st)
{
    const char *eq = strchr(arg, '=');
    if (eq)
        return eq + 1;
    if (*i + 1 >= argc) {
        *st = rl_fail(err, RL_ERR_USAGE, "%s needs a value; see `racelab %s --help`", arg, argv[0]);
        return NULL;
    }
    return argv[++*i];
}

static bool is_option(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

static rl_status set_number(const char *name, const char *value, long lo, long hi, long *out,
                            rl_err *err)
{
    if (!parse_count(value, lo, hi, out))
        return rl_fail(err, RL_ERR_USAGE, "%s %s: give a whole number from %ld to %ld", name, value,
                       lo, hi);
    return RL_OK;
}

/* The trial options, and with report_flags also --format, --output and -v. */
static rl_status run_flag(int argc, char **argv, int *i, cli_options *o, rl_err *err, bool *matched,
                          bool report_flags)
{
    const char *arg = argv[*i];
    rl_status st = RL_OK;
    long v = 0;
    *matched = true;
    if (report_flags && (strcmp(arg, "-v") == 0 || strcmp(arg, "--verbose") == 0)) {
        o->verbose = true;
        return RL_OK;
    }
    const char *names[] = {"--trials", "--seed",    "--jobs", "--format",
                           "--output", "--timeout", "--noise"};
    size_t k;
    for (k = 0; k < 7 && !is_option(arg, names[k]); k++)
        ;
    if (k == 7 || (!report_flags && (k == 3 || k == 4))) {
        *matched = false;
        return RL_OK;
    }
    const char *value = option_value(argc, argv, i, arg, err, &st);
    if (!value)
        return st;
    switch (k) {
    case 0:
        st = set_number("--trials", value, 1, 1000, &v, err);
        o->trials = (int)v;
        break;
    case 1:
        st = set_number("--seed", value, 0, 1000000000, &v, err);
        o->seed = (unsigned)v;
        break;
    case 2:
        st = set_number("--jobs", value, 1, 256, &v, err);
        o->jobs = (int)v;
        break;
    case 3:
        if (!report_format_parse(value, &o->format))
            st = rl_fail(err, RL_ERR_USAGE,
                         "--format %s: use text, json, gradescope, autolab, junit, prairielearn "
                         "or html",
                         value);
        break;
    case 5: {
        char *end = NULL;
        o->timeout = strtod(value, &end);
        if (end == value || *end || !(o->timeout >= 0.1 && o->timeout <= 3600))
            st = rl_fail(err, RL_ERR_USAGE, "--timeout %s: give seconds from 0.1 to 3600", value);
        break;
    }
    case 6:
        o->noise = grade_noise_mode(value);
        if (!o->noise)
            st =
                rl_fail(err, RL_ERR_USAGE, "--noise %s: use none, yield, sleep, pin or pct", value);
        break;
    default:
        free(o->output);
        o->output = xstrdup(value);
    }
    return st;
}

rl_status cli_parse(int argc, char **argv, unsigned allowed, cli_options *o, rl_err *err)
{
    memset(o, 0, sizeof *o);
    o->seed = 1;
    o->format = REPORT_TEXT;
    rl_status st = RL_OK;
    for (int i = 1; i < argc && st == RL_OK; i++) {
        const char *arg = argv[i];
        bool matched = false;
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            o->help = true;
            continue;
        }
        if ((allowed & (CLI_RUN_FLAGS | CLI_TRIAL_FLAGS)) &&
            (st = run_flag(argc, argv, &i, o, err, &matched, (allowed & CLI_RUN_FLAGS) != 0)) !=
                RL_OK)
            break;
        if (matched)
            continue;
        if ((allowed & CLI_SUBMISSION) && is_option(arg, "--submission")) {
            const char *v = option_value(argc, argv, &i, arg, err, &st);
            free(o->submission);
            o->submission = v ? xstrdup(v) : NULL;
        } else if ((allowed & CLI_LAB_FLAG) && is_option(arg, "--lab")) {
            const char *v = option_value(argc, argv, &i, arg, err, &st);
            if (v)
                strlist_push(&o->labs, v);
        } else if ((allowed & CLI_OUTPUT_DIR) && is_option(arg, "--output-dir")) {
            const char *v = option_value(argc, argv, &i, arg, err, &st);
            free(o->output_dir);
            o->output_dir = v ? xstrdup(v) : NULL;
        } else if ((allowed & CLI_OUTPUT) && is_option(arg, "--output")) {
            const char *v = option_value(argc, argv, &i, arg, err, &st);
            free(o->output);
            o->output = v ? xstrdup(v) : NULL;
        } else if ((allowed & CLI_FROM) && is_option(arg, "--from")) {
            const char *v = option_value(argc, argv, &i, arg, err, &st);
            free(o->from);
            o->from = v ? xstrdup(v) : NULL;
        } else if (arg[0] == '-') {
            st = rl_fail(err, RL_ERR_USAGE, "unknown option %s; see `racelab %s --help`", arg,
                         argv[0]);
        } else if (allowed & CLI_LABS_POSITIONAL) {
            strlist_push(&o->labs, arg);
        } else if (allowed & CLI_PATHS_POSITIONAL) {
            strlist_push(&o->paths, arg);
        } else {
            st = rl_fail(err, RL_ERR_USAGE, "unexpected argument '%s'; see `racelab %s --help`",
                         arg, argv[0]);
        }
    }
    if (st != RL_OK)
        cli_options_free(o);
    return st;
}

int cli_start(int argc, char **argv, unsigned allowed, const char *usage, cli_options *o)
{
    rl_err err = {{0}};
    if (cli_parse(argc, argv, allowed, o, &err) != RL_OK) {
        fprintf(stderr, "racelab: %s\n", err.msg);
        return 2;
    }
    if (o->help) {
        fputs(usage, stdout);
        cli_options_free(o);
        return 0;
    }
    return -1;
}

void cli_options_free(cli_options *o)
{
    strlist_free(&o->labs);
    strlist_free(&o->paths);
    free(o->output_dir);
    free(o->from);
    free(o->submission);
    free(o->output);
    memset(o, 0, sizeof *o);
}
