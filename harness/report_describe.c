/*
 * report_describe.c - a check's feedback in plain words (see report.h):
 * its summary, then for a failed check what a student needs to fix it.
 *
 * What each kind of check shows:
 *   race-free  the problems it counts, each in full (report_finding.c),
 *              with the lab's hint for that kind of finding where it has
 *              one; the first runs' reasons only where the findings do not
 *              tell all (a program that crashed or hung, an erased log);
 *   tests      how each test fared over the runs, failure messages grouped
 *              and counted (report_outcomes.c), the command that replays
 *              the first failing run; the first runs' reasons only where a
 *              program, not a test, failed;
 *   others     the first failing runs' reasons (score.c's details).
 * The check's own hint closes the feedback unless every problem shown had
 * a hint of its own. These decisions are made once, in
 * report_check_parts_get, for this text and for the HTML page alike.
 */
#include "report.h"

#include "report_frames.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROBLEMS_SHOWN 5           /* problems of a race-free check shown... */
#define PROBLEMS_SHOWN_VERBOSE 100 /* ... and with -v (the JSON report has all) */

/* The first trial in which a tests check failed: a covered test failed or
 * did not report, or a program did not finish; -1 when none did. */
static long first_failing_trial(const lab_result *lab, const lab_check *k)
{
    for (size_t t = 0; t < lab->ntrials; t++)
        for (size_t r = 0; r < lab->trials[t].nruns; r++) {
            const program_run *run = &lab->trials[t].runs[r];
            if (score_run_incomplete(run))
                return (long)t;
            for (size_t i = 0; i < run->tests.n; i++)
                if (!run->tests.items[i].passed && score_check_covers(k, run->tests.items[i].name))
                    return (long)t;
        }
    return -1;
}

/* The problems a race-free check counts, as many as are shown, each with
 * the hint it carries (the check's hint for its kind, once per kind). */
static void pick_problems(const lab_result *lab, const lab_check *k, const report_detail *d,
                          report_check_parts *p)
{
    unsigned limit = d->verbose ? PROBLEMS_SHOWN_VERBOSE : PROBLEMS_SHOWN;
    bool hinted[TSAN_NKINDS] = {0}, all_hinted = true;
    for (size_t i = 0; i < lab->findings.n; i++) {
        const tsan_finding *f = &lab->findings.items[i];
        if (!score_check_counts(k, f))
            continue;
        if (p->nproblems == limit) {
            p->more++;
            continue;
        }
        const char *hint = (unsigned)f->kind < TSAN_NKINDS ? k->kind_hints[f->kind] : NULL;
        all_hinted = all_hinted && hint;
        if (hint && hinted[f->kind])
            hint = NULL; /* said once per kind */
        else if (hint)
            hinted[f->kind] = true;
        p->problems = xrealloc(p->problems, (p->nproblems + 1) * sizeof *p->problems);
        p->problems[p->nproblems++] = (report_problem){.finding = i, .hint = hint};
        for (size_t a = 0; a < f->naccesses && !p->folded && !d->verbose; a++)
            p->folded = report_frame_folds(lab, &f->accesses[a].stack);
    }
    /* the check's own hint closes the feedback unless every problem had one */
    p->hint = p->hint && !(p->nproblems > 0 && all_hinted);
}

/* True when a race-free check counts at least one finding. */
static bool counts_any(const lab_result *lab, const lab_check *k)
{
    for (size_t i = 0; i < lab->findings.n; i++)
        if (score_check_counts(k, &lab->findings.items[i]))
            return true;
    return false;
}

void report_check_parts_get(const lab_result *lab, size_t check, const report_detail *d,
                            report_check_parts *out)
{
    const check_result *c = &lab->checks[check];
    const lab_check *k = &lab->lab.checks[check];
    memset(out, 0, sizeof *out);
    out->replay_trial = -1;
    if (c->passed && !d->verbose)
        return;
    out->details = c->details != NULL;
    if (k->kind == CHECK_RACE_FREE)
        out->details = out->details && (d->verbose || c->other_reasons || !counts_any(lab, k));
    else if (k->kind == CHECK_TESTS)
        out->details = out->details && (d->verbose || c->other_reasons);
    out->hint = k->hint && !c->passed;
    if (k->kind == CHECK_TESTS) {
        out->outcomes = true;
        out->replay_trial = c->passed ? -1 : first_failing_trial(lab, k);
    } else if (k->kind == CHECK_RACE_FREE) {
        pick_problems(lab, k, d, out);
    }
}

void report_check_parts_free(report_check_parts *p)
{
    free(p->problems);
    memset(p, 0, sizeof *p);
}

void report_describe_check_with(strbuf *sb, const lab_result *lab, size_t check,
                                const report_detail *d)
{
    const check_result *c = &lab->checks[check];
    const lab_check *k = &lab->lab.checks[check];
    sb_printf(sb, "%s\n", c->summary ? c->summary : "");
    report_check_parts p;
    report_check_parts_get(lab, check, d, &p);
    if (p.details) {
        char *clean = report_clean_text(c->details, 4000);
        sb_printf(sb, "%s", clean);
        free(clean);
    }
    if (p.outcomes)
        report_describe_outcomes(sb, lab, k, d);
    if (p.replay_trial >= 0) {
        sb_append(sb, "replay the first failing run: ");
        report_replay_command(sb, lab->lab.id, lab->trials[p.replay_trial].seed, d->submission);
        sb_append(sb, "\n");
    }
    for (size_t i = 0; i < p.nproblems; i++) {
        sb_printf(sb, "\nProblem %zu: ", i + 1);
        report_describe_finding_with(sb, lab, p.problems[i].finding, d, p.problems[i].hint);
    }
    if (p.more)
        sb_printf(sb, "\n... and %u more problem%s (%s)\n", p.more, p.more == 1 ? "" : "s",
                  d->verbose ? "the JSON report (--format json) lists every one" : "-v shows them");
    if (p.folded)
        sb_append(sb, "\n(frames in the tests, racelab and the system libraries are folded "
                      "away; -v shows every frame)\n");
    if (p.hint) {
        char *clean = report_clean_text(k->hint, 4000);
        sb_printf(sb, "\nHint: %s\n", clean);
        free(clean);
    }
    report_check_parts_free(&p);
}

void report_describe_check(strbuf *sb, const lab_result *lab, size_t check)
{
    static const report_detail plain = {0};
    report_describe_check_with(sb, lab, check, &plain);
}

void report_check_feedback(strbuf *sb, const lab_result *lab, size_t check)
{
    if (lab->state == LAB_GRADED) {
        report_describe_check(sb, lab, check);
        return;
    }
    if (lab->message)
        sb_printf(sb, "%s\n", lab->message);
    if (lab->state == LAB_BUILD_FAILED && check == 0 && lab->build_log && *lab->build_log)
        sb_printf(sb, "\n%s\n", lab->build_log);
}
