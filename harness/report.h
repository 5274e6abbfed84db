/*
 * report.h - the report stage: writes a grading run as text for people,
 * racelab's own JSON, or a grading platform's result file: Gradescope's
 * results.json, Autolab's autoresult, JUnit XML (CI systems) and
 * PrairieLearn's results.json (report_autolab.h, report_junit.h,
 * report_prairielearn.h), or one HTML page for a browser (report_html.h).
 *
 * Every writer prints every check of every lab, scored, whatever state the
 * lab ended in (graded, not submitted, build failed, grader error). Text
 * that came from a student's program or compiler goes through
 * report_clean_text() first: valid UTF-8, no control characters, capped.
 * JSON is produced with jansson and XML with libxml2, never by hand.
 */
#ifndef RL_REPORT_H
#define RL_REPORT_H

#include "grade.h"
#include "rl.h"
#include "util.h"

#include <stdbool.h>
#include <stdio.h>

typedef enum {
    REPORT_TEXT,
    REPORT_JSON,
    REPORT_GRADESCOPE,
    REPORT_AUTOLAB,
    REPORT_JUNIT,
    REPORT_PRAIRIELEARN,
    REPORT_HTML,
} report_format;

/* The format names, for usage lines and errors. */
#define REPORT_FORMAT_LIST "text|json|gradescope|autolab|junit|prairielearn|html"

typedef struct {
    lab_result *labs;
    size_t nlabs;
    const char *submission; /* the graded path, NULL for a working copy */
    const char *toolchain;  /* compiler version line */
    strlist notes;          /* run-wide lines (ASLR off, refused files, ...) */
    double seconds;
    bool color;   /* text: ANSI colours */
    bool verbose; /* text: every finding and run in full */
} report;

/* Parses a name of REPORT_FORMAT_LIST; false for anything else. */
bool report_format_parse(const char *name, report_format *out);

rl_status report_write(const report *r, report_format format, FILE *out, rl_err *err);

rl_status report_write_text(const report *r, FILE *out, rl_err *err);
rl_status report_write_json(const report *r, FILE *out, rl_err *err);
rl_status report_write_gradescope(const report *r, FILE *out, rl_err *err);

/* The text report without colours, as a new string: of the whole run, or of
 * one lab (its score line, message, compiler messages, notes and checks). */
char *report_text_string(const report *r);
char *report_text_lab_string(const lab_result *lab, bool verbose);

/* A copy of s that is valid UTF-8 with control characters (but \n and \t)
 * replaced, at most cap bytes, ending in a marker when cut. New string. */
char *report_clean_text(const char *s, size_t cap);

/* Sums of the run. */
double report_score(const report *r);
double report_max_score(const report *r);

/* The word for a lab state: "graded", "not-submitted", ... (constant). */
const char *report_state_name(lab_state s);

/* The first frame of a finding's access in a student's file (or any frame
 * with a file), or NULL. */
const tsan_frame *report_student_frame(const lab_result *lab, const tsan_access *a);

/* Shared renderings, used by the text and the platforms' writers. Each
 * appends plain text (no colour) to sb: lines a writer may indent, colour
 * or put in a code block. Names from logs and lines of the student's
 * source are cleaned first; a hidden test is named, never quoted. */

/* How much a description shows, and what its replay commands name. */
typedef struct {
    bool verbose;           /* every frame and problem, and passing checks' details */
    const char *submission; /* the submission graded (replay needs it), NULL: a working copy */
} report_detail;

/* Appends finding i of lab in words: the kind with the variable, both
 * places at the student's lines with two lines of context either side,
 * which thread did each and where it was started, the locks each held
 * (a lock-order inversion: its cycle, with the line that took each lock),
 * how many runs showed it and the command that replays the first, then
 * `hint` when not NULL. Frames outside the student's files are folded away
 * unless d->verbose. The first line is the headline, without a newline
 * before it. */
void report_describe_finding_with(strbuf *sb, const lab_result *lab, size_t i,
                                  const report_detail *d, const char *hint);

/* The same, not verbose, naming no submission, with the hint the lab gives
 * for the finding's kind (hint_<kind> of the first race-free check that
 * counts it) when there is one. */
void report_describe_finding(strbuf *sb, const lab_result *lab, size_t i);

/* Appends a check's feedback: its summary line, then for a failed check
 * (or any check when d->verbose) what went wrong: the problems a race-free
 * check counts, how each test a tests check covers fared over the runs,
 * the first failing runs' reasons where those say more, the command that
 * replays the first failing run, and the hints. */
void report_describe_check_with(strbuf *sb, const lab_result *lab, size_t check,
                                const report_detail *d);

/* report_describe_check_with, not verbose, naming no submission. */
void report_describe_check(strbuf *sb, const lab_result *lab, size_t check);

/* Appends how each test that tests check k covers fared over the lab's
 * runs, for the tests that failed at least once (every test when
 * d->verbose): "passed in 2 runs; failed in 6", with cmocka's distinct
 * failure messages grouped and counted. A hidden test's messages stay
 * private. Appends nothing when every test passed and not d->verbose. */
void report_describe_outcomes(strbuf *sb, const lab_result *lab, const lab_check *k,
                              const report_detail *d);

/* Appends the command that replays the trial with `seed` of lab `lab`:
 * "build/racelab replay 01-bank --seed 3", with --submission and the
 * path (shell-quoted) when submission is not NULL. */
void report_replay_command(strbuf *sb, const char *lab, unsigned seed, const char *submission);

/* Appends what a platform shows for one check in any lab state: the
 * check's feedback when the lab was graded, else the reason it was not
 * (with the compiler's messages under the lab's first check). */
void report_check_feedback(strbuf *sb, const lab_result *lab, size_t check);

/* ---- the same feedback as data, for a writer that lays it out itself
 * (the HTML page, report_html.h). The text writers render these very
 * pieces, so every writer shows the same problems, counts and hints. ---- */

/* One problem a race-free check shows. */
typedef struct {
    size_t finding;   /* index in lab->findings */
    const char *hint; /* the check's hint for the finding's kind, given on the first problem of
                         that kind only; NULL (borrowed from the manifest) */
} report_problem;

/* What the feedback of one check shows beyond its summary line. */
typedef struct {
    bool details;             /* score.c's reasons of the first failing runs (c->details) */
    report_problem *problems; /* race-free: the problems shown, in order (owned) */
    size_t nproblems;
    unsigned more;     /* race-free: problems counted but left out */
    bool folded;       /* a problem shown has frames a non-verbose report folds away */
    bool outcomes;     /* tests: how each test fared over the runs */
    long replay_trial; /* tests: index of the first failing trial (its seed replays it), or -1 */
    bool hint;         /* the check's own hint (k->hint) */
} report_check_parts;

/* Decides the parts of check `check`'s feedback for report_describe_check_with
 * and the HTML page: nothing for a passed check unless d->verbose. Meant
 * for a graded lab. Free with report_check_parts_free. */
void report_check_parts_get(const lab_result *lab, size_t check, const report_detail *d,
                            report_check_parts *out);
void report_check_parts_free(report_check_parts *p);

/* Places a finding sets side by side: the two accesses of a race, the use
 * and the free of a use after free, the edges of a lock-order cycle. */
#define REPORT_PLACES_MAX 4

typedef struct {
    char *says;           /* "thread T3 wrote it in account_deposit() at bank.c:38, holding no
                             lock" (owned) */
    const tsan_frame *at; /* the student's frame, whose line is quoted; NULL when none
                             (borrowed from the finding) */
    int thread;           /* 3 for T3, 0 the main thread, -1 unknown */
    char *started;        /* "started in run_tellers() at test_bank.c:87", "started by a hidden
                             test", or NULL (owned) */
    bool earlier;         /* it happened before the places without the flag (TSan's "Previous
                             write", the free before a use) */
} report_place;

/* Finding i of a lab in pieces, in the words of report_describe_finding_with. */
typedef struct {
    char *headline; /* its first line: "two threads wrote `acct->balance` at the same time
                       without a common lock" (owned) */
    char *about;    /* "`acct->balance` is in a heap block allocated in account_open() at
                       bank.c:24", "the cycle: M0 → M1 → M0", or NULL (owned) */
    report_place places[REPORT_PLACES_MAX];
    size_t nplaces; /* 0 for the kinds with one place or none (a leak, a signal, a misuse) */
    char *seen;     /* "seen in 4 of 8 runs, first in run 1 (seed 1)", or NULL (owned) */
    char *replay;   /* the command that replays that run, or NULL (owned) */
} report_finding_parts;

void report_finding_parts_get(const lab_result *lab, size_t i, const report_detail *d,
                              report_finding_parts *out);
void report_finding_parts_free(report_finding_parts *p);

/* How one test fared over a lab's runs (report_describe_outcomes). */
typedef struct {
    const char *message; /* cmocka's message, borrowed from the trial; NULL for a hidden test */
    unsigned runs;       /* runs that failed with it */
    size_t first;        /* index of the first trial that showed it */
} report_outcome_group;

typedef struct {
    const char *name; /* borrowed from the trials */
    bool hidden;
    unsigned passed, failed, missing; /* runs it passed, failed, gave no result in */
    size_t first_failed;              /* index of its first failing trial, when it had one */
    report_outcome_group *groups;     /* its distinct failures, most runs first (owned) */
    size_t ngroups;
} report_outcome;

/* Every test that tests check k covers, in the order the runs reported
 * them, counted over the lab's runs. New array (*n entries, NULL when
 * none); free with report_outcomes_free. */
report_outcome *report_outcomes(const lab_result *lab, const lab_check *k, size_t *n);
void report_outcomes_free(report_outcome *o, size_t n);

/* A cmocka failure message on one line, cleaned: its text in backticks,
 * then where the test failed: "`990 != 1000` at test_bank.c:130". New string. */
char *report_outcome_message(const char *message);

#endif
