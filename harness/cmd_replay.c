/*
 * cmd_replay.c - `racelab replay LAB --seed N [--submission PATH]`: runs the
 * one trial that had seed N again, with the same thread count and schedule
 * noise (both follow from the seed), and shows everything: each check, each
 * finding in full, and what each test program printed. A failure the report
 * showed "in run 3, seed 3" is reproduced with --seed 3.
 */
#include "commands.h"
#include "submission.h"
#include "term.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: racelab replay LAB --seed N [--submission PATH] [--timeout S]\n"
    "Runs LAB's trial with seed N again (same threads, same schedule noise) on your\n"
    "working copy, or on the submission at PATH, and shows it in full: every check,\n"
    "every problem, and what each test program printed.\n"
    "Exit status: 0 every check passed, 1 not, 2 usage error, 3 environment error.\n";

/* What each program of the trial printed, capped. */
static void print_outputs(const lab_result *r)
{
    for (size_t t = 0; t < r->ntrials; t++) {
        const trial_result *tr = &r->trials[t];
        printf("run with seed %u: %d threads, noise %s\n", tr->seed, tr->threads,
               tr->noise ? tr->noise : "none");
        for (size_t p = 0; p < tr->nruns; p++) {
            const program_run *run = &tr->runs[p];
            char *how = run->run.end == RUN_EXITED && run->run.exit_code == ANALYSE_TSAN_EXIT_CODE
                            ? xstrdup("ended with ThreadSanitizer's status (it reported problems "
                                      "or stopped the program)")
                            : run_outcome_describe(&run->run, tr->timeout);
            printf("--- %s %s (%.2f s)%s\n", run->hidden ? "a hidden test program" : run->name, how,
                   run->run.seconds, run->hidden ? "; its output stays private" : "");
            for (size_t i = 0; i < run->tests.n; i++)
                printf("    %s %s\n", run->tests.items[i].passed ? "pass" : "FAIL",
                       run->tests.items[i].name);
            if (!run->have_results && run->results_error)
                printf("    %s\n", run->results_error);
            if (!run->hidden && run->run.output_len) {
                char *clean = report_clean_text(run->run.output, 16384);
                fputs(clean, stdout);
                if (run->run.output_truncated)
                    fputs("\n[... output cut by racelab]\n", stdout);
                free(clean);
            }
            free(how);
        }
    }
}

int cmd_replay(int argc, char **argv)
{
    cli_options o;
    rl_err err = {{0}};
    bool seed_given = false;
    for (int i = 1; i < argc; i++)
        seed_given = seed_given || strncmp(argv[i], "--seed", 6) == 0;
    if (cli_parse(argc, argv, CLI_LABS_POSITIONAL | CLI_SUBMISSION | CLI_RUN_FLAGS, &o, &err) !=
        RL_OK) {
        fprintf(stderr, "racelab: %s\n", err.msg);
        return 2;
    }
    if (o.help || o.labs.n != 1 || !seed_given) {
        fputs(usage, o.help ? stdout : stderr);
        int rc = o.help ? 0 : 2;
        cli_options_free(&o);
        return rc;
    }
    session s;
    submission sub = {0};
    lab_manifest m = {0};
    strlist files = {0}, missing = {0};
    lab_result r = {0};
    int rc = 2;
    if (session_open(&s, &o, &err) != RL_OK ||
        manifest_load(s.labs_root, s.solutions_root, o.labs.items[0], &m, &err) != RL_OK)
        goto fail;
    if (o.submission) {
        if (submission_open(o.submission, s.scratch, &sub, &err) != RL_OK ||
            submission_find(&sub, &m, &files, &missing, &err) != RL_OK)
            goto fail;
        if (missing.n) {
            snprintf(err.msg, sizeof err.msg, "%s: %s not found in the submission", m.id,
                     missing.items[0]);
            goto fail;
        }
    } else {
        for (size_t i = 0; i < m.student_files.n; i++)
            strlist_push_owned(&files, path_join(m.dir, m.student_files.items[i]));
    }
    rc = 3;
    if (session_toolchain(&s, &err) != RL_OK)
        goto fail;
    grade_options g = session_grade_options(&s, &o);
    g.trials = 1;
    grade_lab(&g, &m, &files, &r);
    report rep = {.labs = &r,
                  .nlabs = 1,
                  .submission = o.submission,
                  .toolchain = s.tc.version,
                  .color = term_fancy(STDOUT_FILENO),
                  .verbose = true,
                  .seconds = r.seconds};
    if (s.tc.note)
        strlist_push(&rep.notes, s.tc.note);
    print_outputs(&r);
    printf("\n");
    report_write_text(&rep, stdout, NULL);
    strlist_free(&rep.notes);
    rc = r.state == LAB_GRADED && r.score >= r.max_score ? 0 : 1;
    goto done;
fail:
    fprintf(stderr, "racelab: %s\n", err.msg);
done:
    lab_result_free(&r);
    manifest_free(&m);
    strlist_free(&files);
    strlist_free(&missing);
    submission_close(&sub);
    session_close(&s);
    cli_options_free(&o);
    return rc;
}
