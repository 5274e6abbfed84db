/*
 * cmd_run.c - `racelab run FILE.c... [-- ARGS]`: checks any C program, not
 * a lab: builds it with ThreadSanitizer and the probe, runs it several
 * times under rotating schedule noise (run_program.h) and reports, as
 * text or JSON, every sanitizer finding (in the words the lab reports
 * use), hangs, crashes, and output or exit statuses that changed between
 * runs. Exit status: 0 nothing found, 1 something found, 2 a usage error
 * or a program that does not compile, 3 racelab's own environment failed.
 */
#include "commands.h"
#include "hang_stacks.h"
#include "report_hang.h"
#include "run_program.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: racelab run FILE.c... [--trials N] [--timeout S] [--stdin FILE] [--jobs N]\n"
    "                   [--seed N] [--noise MODE] [--format text|json] [-v] [-- ARGS...]\n"
    "Builds the C program made of FILE.c... (the .h files beside them come along) with\n"
    "ThreadSanitizer, runs it N times (default 8) with ARGS, each run with a different\n"
    "schedule noise (or --noise none|yield|sleep|pin|pct for all), at most S seconds\n"
    "each (default 10), and reports data races and the sanitizer's other findings,\n"
    "lock-order inversions, hangs, crashes, and output (stdout and stderr together) or\n"
    "exit statuses that differ between runs.\n"
    "Exit status: 0 nothing found, 1 something found, 2 usage or compile error,\n"
    "3 environment error.\n";

#define OUTPUTS_SHOWN 4 /* distinct outputs quoted */
#define OUTPUT_LINES 12 /* lines quoted of each */
#define OUTPUT_CAP 4096 /* bytes quoted of each */

/* What the command line says beyond cli_options. */
typedef struct {
    strlist files;       /* absolute paths of the FILE.c */
    strlist shown_files; /* as the user wrote them, for the replay command */
    const char *stdin_path;
    char *stdin_real;
    const char **args; /* after "--", NULL-terminated (borrowed from argv) */
} run_args;

/* Takes "--" and what follows, and --stdin FILE, out of argv (into a) and
 * leaves the rest in rest (borrowed pointers) for cli_parse. */
static int split_args(int argc, char **argv, run_args *a, char **rest)
{
    int n = 0;
    a->args = xcalloc((size_t)argc + 1, sizeof *a->args);
    size_t nargs = 0;
    for (int i = 0; i < argc; i++) {
        if (i > 0 && strcmp(argv[i], "--") == 0) {
            for (int k = i + 1; k < argc; k++)
                a->args[nargs++] = argv[k];
            break;
        }
        if (i > 0 && strncmp(argv[i], "--stdin", 7) == 0 &&
            (argv[i][7] == '\0' || argv[i][7] == '=')) {
            if (argv[i][7] == '=') {
                a->stdin_path = argv[i] + 8;
            } else if (i + 1 < argc) {
                a->stdin_path = argv[++i];
            } else {
                fprintf(stderr, "racelab: --stdin needs a file; see `racelab run --help`\n");
                return -1;
            }
            continue;
        }
        rest[n++] = argv[i];
    }
    return n;
}

/* Checks the files and --stdin; says why not on stderr. */
static bool check_inputs(const cli_options *o, run_args *a)
{
    if (o->paths.n == 0) {
        fputs(usage, stderr);
        return false;
    }
    for (size_t i = 0; i < o->paths.n; i++) {
        const char *p = o->paths.items[i];
        size_t n = strlen(p);
        char *real = realpath(p, NULL);
        if (!real || !path_is_regular(real)) {
            fprintf(stderr, "racelab: %s: no such file\n", p);
            free(real);
            return false;
        }
        const char *slash = strrchr(real, '/'), *name = slash ? slash + 1 : real;
        if (n < 3 || strcmp(p + n - 2, ".c") != 0 || strcmp(name, RUN_PROGRAM_STUB) == 0) {
            fprintf(stderr, "racelab: %s: give C source files (NAME.c)\n", p);
            free(real);
            return false;
        }
        for (size_t k = 0; k < a->files.n; k++) {
            const char *other = strrchr(a->files.items[k], '/');
            if (strcmp(other ? other + 1 : a->files.items[k], name) == 0) {
                fprintf(stderr, "racelab: %s: two files are named %s\n", p, name);
                free(real);
                return false;
            }
        }
        strlist_push_owned(&a->files, real);
        strlist_push(&a->shown_files, p);
    }
    if (a->stdin_path) {
        a->stdin_real = realpath(a->stdin_path, NULL);
        if (!a->stdin_real || !path_is_regular(a->stdin_real)) {
            fprintf(stderr, "racelab: --stdin %s: no such file\n", a->stdin_path);
            return false;
        }
    }
    if (o->format != REPORT_TEXT && o->format != REPORT_JSON) {
        fprintf(stderr, "racelab: run writes text or json only\n");
        return false;
    }
    if (o->output) {
        fprintf(stderr, "racelab: run writes to standard output; redirect it\n");
        return false;
    }
    return true;
}

/* Appends s, single-quoted for a shell when it needs to be. */
static void put_quoted(strbuf *sb, const char *s)
{
    if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=:,+-") ==
                  strlen(s)) {
        sb_append(sb, s);
        return;
    }
    sb_append(sb, "'");
    for (; *s; s++)
        if (*s == '\'')
            sb_append(sb, "'\\''");
        else
            sb_appendn(sb, s, 1);
    sb_append(sb, "'");
}

/* The command that replays the run with `seed`. New string. */
static char *replay_command(const run_args *a, unsigned seed)
{
    strbuf sb;
    sb_init(&sb);
    sb_append(&sb, "build/racelab run");
    for (size_t i = 0; i < a->shown_files.n; i++) {
        sb_append(&sb, " ");
        put_quoted(&sb, a->shown_files.items[i]);
    }
    sb_printf(&sb, " --trials 1 --seed %u", seed);
    if (a->stdin_path) {
        sb_append(&sb, " --stdin ");
        put_quoted(&sb, a->stdin_path);
    }
    if (a->args[0])
        sb_append(&sb, " --");
    for (size_t i = 0; a->args[i]; i++) {
        sb_append(&sb, " ");
        put_quoted(&sb, a->args[i]);
    }
    return sb_take(&sb);
}

/* The finding renderer names `racelab replay LAB --seed N`; a program is
 * replayed with `racelab run`. Rewrites those commands in text. New string. */
static char *fix_replay(const char *text, const run_args *a)
{
    static const char needle[] = "build/racelab replay run --seed ";
    strbuf sb;
    sb_init(&sb);
    for (const char *s = text;;) {
        const char *at = strstr(s, needle);
        if (!at) {
            sb_append(&sb, s);
            break;
        }
        sb_appendn(&sb, s, (size_t)(at - s));
        char *end = NULL;
        unsigned long seed = strtoul(at + sizeof needle - 1, &end, 10);
        char *cmd = replay_command(a, (unsigned)seed);
        sb_append(&sb, cmd);
        free(cmd);
        s = end;
    }
    return sb_take(&sb);
}

/* Finding i in words, as the lab reports tell it. New string. */
static char *finding_text(const program_result *r, size_t i, const run_args *a, bool verbose)
{
    strbuf sb;
    sb_init(&sb);
    report_detail d = {.verbose = verbose};
    report_describe_finding_with(&sb, &r->lab, i, &d, NULL);
    char *fixed = fix_replay(sb.data, a);
    sb_free(&sb);
    return fixed;
}

static unsigned seed_of(const program_result *r, size_t trial)
{
    return trial < r->lab.ntrials ? r->lab.trials[trial].seed : 0;
}

/* Appends an output quoted line by line ("    | text"), capped. */
static void put_output(strbuf *sb, const char *text)
{
    char *clean = report_clean_text(text, OUTPUT_CAP);
    if (!*clean)
        sb_append(sb, "    (nothing)\n");
    int lines = 0;
    for (const char *s = clean; *s && lines < OUTPUT_LINES; lines++) {
        size_t n = strcspn(s, "\n");
        sb_printf(sb, "    | %.*s\n", (int)n, s);
        s += n + (s[n] == '\n');
        if (lines + 1 == OUTPUT_LINES && *s)
            sb_append(sb, "    | [...]\n");
    }
    free(clean);
}

/* The first run that hung and had its threads' stacks taken: its index,
 * or ntrials when none. */
static size_t first_stacks(const program_result *r)
{
    for (size_t t = 0; t < r->lab.ntrials; t++) {
        const run_outcome *o = &r->lab.trials[t].runs[0].run;
        if (o->end == RUN_TIMED_OUT && o->stacks)
            return t;
    }
    return r->lab.ntrials;
}

/* Where the threads of the first hung run were when it was stopped, or
 * how to find out. */
static void put_hang_stacks(strbuf *sb, const program_result *r, bool verbose)
{
    size_t t = first_stacks(r);
    if (t == r->lab.ntrials) {
        if (!hang_stacks_available())
            sb_append(sb, "  (to see where each thread was, install gdb: apt-get install gdb)\n");
        return;
    }
    hang_stacks h;
    hang_stacks_parse(r->lab.trials[t].runs[0].run.stacks, &h);
    if (h.n == 0) {
        sb_append(sb, "  (gdb could not show where its threads were; -v shows what it said)\n");
        if (verbose)
            put_output(sb, r->lab.trials[t].runs[0].run.stacks);
    } else {
        sb_printf(sb, "  where its threads were when run %zu was stopped:\n", t + 1);
        report_hang_threads(sb, &r->lab, &h, 4, verbose);
    }
    hang_stacks_free(&h);
}

/* {"run": N, "seed": S, "threads": [...]} for the first hung run whose
 * stacks were taken, else null. */
static json_t *hang_json(const program_result *r)
{
    size_t t = first_stacks(r);
    if (t == r->lab.ntrials)
        return json_null();
    hang_stacks h;
    hang_stacks_parse(r->lab.trials[t].runs[0].run.stacks, &h);
    json_t *j = json_pack("{s:I, s:I, s:o}", "run", (json_int_t)(t + 1), "seed",
                          (json_int_t)seed_of(r, t), "threads", report_hang_json(&r->lab, &h));
    hang_stacks_free(&h);
    return j ? j : json_null();
}

/* The problems that are not sanitizer findings, each "Problem N: ...". */
static void put_run_problems(strbuf *sb, const program_result *r, const run_args *a, double timeout,
                             bool verbose, size_t *k)
{
    for (size_t i = 0; i < r->nendings; i++) {
        const run_variant *v = &r->endings[i];
        const run_outcome *o = &r->lab.trials[v->first].runs[0].run;
        if (o->end == RUN_EXITED || o->cut_short) /* the latter: told with the hang */
            continue;
        char *how = run_outcome_describe(o, timeout);
        char *cmd = replay_command(a, seed_of(r, v->first));
        sb_printf(sb,
                  "Problem %zu: the program %s%s in %u of %zu runs, first in run %zu (seed %u); "
                  "replay it: %s\n",
                  ++*k,
                  o->end == RUN_SIGNALED    ? "crashed: "
                  : o->end == RUN_TIMED_OUT ? "hung: "
                                            : "",
                  how, v->runs, r->lab.ntrials, v->first + 1, seed_of(r, v->first), cmd);
        free(how);
        free(cmd);
        if (o->end == RUN_TIMED_OUT && r->cut_short)
            sb_printf(sb,
                      "  once it had hung, %u more run%s stopped sooner (%.1f s after starting, "
                      "or at once) without having finished\n",
                      r->cut_short, r->cut_short == 1 ? " was" : "s were", RUN_PROGRAM_AFTER_HANG);
        if (o->end == RUN_TIMED_OUT)
            put_hang_stacks(sb, r, verbose);
        sb_append(sb, "\n");
    }
    if (r->noutputs > 1) {
        sb_printf(sb,
                  "Problem %zu: its output changed from run to run (nondeterministic): %zu "
                  "different outputs in %zu runs that ended\n",
                  ++*k, r->noutputs,
                  r->lab.ntrials - r->timeouts - r->cut_short - r->crashes - r->out_of_memory);
        for (size_t i = 0; i < r->noutputs && i < OUTPUTS_SHOWN; i++) {
            const run_variant *v = &r->outputs[i];
            sb_printf(sb, "  in %u run%s (first run %zu, seed %u):\n", v->runs,
                      v->runs == 1 ? "" : "s", v->first + 1, seed_of(r, v->first));
            put_output(sb, v->text);
        }
        if (r->noutputs > OUTPUTS_SHOWN)
            sb_printf(sb, "  and %zu other outputs\n", r->noutputs - OUTPUTS_SHOWN);
        sb_append(sb, "\n");
    }
    if (r->exit_codes > 1) {
        sb_printf(sb, "Problem %zu: its exit status changed from run to run:", ++*k);
        for (size_t i = 0; i < r->nendings; i++)
            sb_printf(sb, "%s %s in %u run%s", i ? ";" : "", r->endings[i].text, r->endings[i].runs,
                      r->endings[i].runs == 1 ? "" : "s");
        sb_append(sb, "\n\n");
    }
}

static void write_text(const program_result *r, const run_args *a, const cli_options *o,
                       double timeout)
{
    strbuf sb;
    sb_init(&sb);
    size_t k = 0;
    for (size_t i = 0; i < r->lab.findings.n; i++) {
        char *text = finding_text(r, i, a, o->verbose);
        sb_printf(&sb, "Problem %zu: %s\n", ++k, text);
        free(text);
    }
    put_run_problems(&sb, r, a, timeout, o->verbose, &k);
    const char *name = a->shown_files.items[0];
    if (k)
        printf("racelab run %s%s: %zu problem%s in %zu runs (%.1f s)\n\n", name,
               a->files.n > 1 ? " ..." : "", k, k == 1 ? "" : "s", r->lab.ntrials, r->lab.seconds);
    else
        printf("racelab run %s%s: no problems found in %zu runs (%.1f s)\n", name,
               a->files.n > 1 ? " ..." : "", r->lab.ntrials, r->lab.seconds);
    fputs(sb.data, stdout);
    if (o->verbose || !k) {
        printf("%s", k ? "" : "  how the runs ended:");
        for (size_t i = 0; i < r->nendings; i++)
            printf("%s %s in %u", i ? ";" : "", r->endings[i].text, r->endings[i].runs);
        printf("\n");
    }
    if (o->verbose && r->noutputs == 1) {
        strbuf out;
        sb_init(&out);
        put_output(&out, r->outputs[0].text);
        printf("  every run that ended printed:\n%s", out.data);
        sb_free(&out);
    }
    sb_free(&sb);
}

static json_t *jtext(const char *s)
{
    char *clean = report_clean_text(s ? s : "", 64 * 1024);
    json_t *j = json_string(clean);
    free(clean);
    return j ? j : json_string("");
}

static json_t *variants_json(const program_result *r, const run_variant *v, size_t n,
                             const char *key)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:o, s:I, s:I}", key, jtext(v[i].text), "runs",
                                             (json_int_t)v[i].runs, "first_seed",
                                             (json_int_t)seed_of(r, v[i].first)));
    return arr;
}

/* False (and nothing written) when the report could not be built. */
static bool write_json(const program_result *r, const run_args *a, const cli_options *o)
{
    json_t *files = json_array(), *findings = json_array();
    for (size_t i = 0; i < a->shown_files.n; i++)
        json_array_append_new(files, jtext(a->shown_files.items[i]));
    for (size_t i = 0; i < r->lab.findings.n; i++) {
        report_finding_parts parts;
        report_detail d = {.verbose = o->verbose};
        report_finding_parts_get(&r->lab, i, &d, &parts);
        char *text = finding_text(r, i, a, o->verbose);
        const finding_stat *st = &r->lab.stats[i];
        json_array_append_new(findings, json_pack("{s:s, s:o, s:o, s:I, s:I}", "kind",
                                                  tsan_kind_key(r->lab.findings.items[i].kind),
                                                  "headline", jtext(parts.headline), "text",
                                                  jtext(text), "runs", (json_int_t)st->trials,
                                                  "first_seed", (json_int_t)st->first_seed));
        free(text);
        report_finding_parts_free(&parts);
    }
    json_t *root =
        json_pack("{s:o, s:b, s:I, s:f, s:o, s:I, s:o, s:I, s:b, s:b, s:o, s:o}", "files", files,
                  "problems", program_found_problems(r), "runs", (json_int_t)r->lab.ntrials,
                  "seconds", r->lab.seconds, "findings", findings, "timeouts",
                  (json_int_t)r->timeouts, "hang", hang_json(r), "crashes", (json_int_t)r->crashes,
                  "nondeterministic_output", r->noutputs > 1, "nondeterministic_exit_status",
                  r->exit_codes > 1, "endings", variants_json(r, r->endings, r->nendings, "ending"),
                  "outputs", variants_json(r, r->outputs, r->noutputs, "output"));
    if (root)
        json_object_set_new(root, "stopped_sooner_after_hang", json_integer(r->cut_short));
    if (!root) {
        fprintf(stderr, "racelab: could not build the JSON report (a racelab bug)\n");
        return false;
    }
    json_dumpf(root, stdout, JSON_INDENT(2));
    fputc('\n', stdout);
    json_decref(root);
    return true;
}

static int run_checked(const cli_options *o, run_args *a)
{
    session s;
    rl_err err = {{0}};
    program_result r = {0};
    int rc = 3;
    if (session_open(&s, o, &err) != RL_OK || session_toolchain(&s, &err) != RL_OK ||
        program_check(&s, o, &a->files, a->args, a->stdin_real, &r, &err) != RL_OK) {
        fprintf(stderr, "racelab: %s\n", err.msg);
    } else if (r.lab.state == LAB_BUILD_FAILED) {
        fprintf(stderr, "racelab: %s does not compile:\n%s", a->shown_files.items[0],
                r.lab.build_log);
        rc = 2;
    } else {
        if (o->verbose && r.lab.build_log && *r.lab.build_log)
            fprintf(stderr, "compiler warnings:\n%s", r.lab.build_log);
        bool written = true;
        if (o->format == REPORT_JSON)
            written = write_json(&r, a, o);
        else
            write_text(&r, a, o, o->timeout > 0 ? o->timeout : RUN_PROGRAM_TIMEOUT);
        rc = !written ? 3 : program_found_problems(&r) ? 1 : 0;
    }
    program_result_free(&r);
    session_close(&s);
    return rc;
}

int cmd_run(int argc, char **argv)
{
    run_args a = {0};
    char **rest = xcalloc((size_t)argc + 1, sizeof *rest);
    cli_options o;
    int rc = 2, n = split_args(argc, argv, &a, rest);
    if (n >= 0)
        rc = cli_start(n, rest, CLI_PATHS_POSITIONAL | CLI_RUN_FLAGS, usage, &o);
    if (rc == -1) {
        rc = check_inputs(&o, &a) ? run_checked(&o, &a) : 2;
        cli_options_free(&o);
    }
    strlist_free(&a.files);
    strlist_free(&a.shown_files);
    free(a.stdin_real);
    free(a.args);
    free(rest);
    return rc;
}
