/*
 * test_submissions.c - end-to-end: the corpus of adversarial submissions in
 * tests/submissions/ is graded, and every check's verdict must be exactly
 * the one its case expects.
 *
 * The corpus is data, in the way jq's tests are: one folder per case,
 *
 *   tests/submissions/LAB/CASE/
 *     bank.c ...   the student file(s) a strong or careless student might
 *                  hand in (the names of LAB's lab.ini student_files)
 *     expect       "# why: one sentence" on the first line, then one line
 *                  "CHECK-ID pass" or "CHECK-ID fail" for EVERY check of LAB;
 *                  a "# comment" may end a line ("# grader bug" marks a
 *                  verdict the grader should give but does not, yet)
 *
 * and this program only finds the cases, grades each one once
 * (build/racelab grade ... --format json --trials 4, the default seed),
 * and compares. One cmocka test per case, named LAB/CASE, in sorted order,
 * so adding a case is adding a folder. A case fails when any check's
 * verdict differs (each difference is printed with the check's summary and
 * details), when expect misses a check of the lab or names one it does not
 * have, or when grading itself does not complete. The cases are chosen so
 * that their verdicts hold in every run at every seed: a case that passes
 * or fails by luck does not belong in the corpus.
 */
#include "e2e.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#define CORPUS "tests/submissions"
#define TRIALS "4"
#define MAX_CHECKS 64

/* One expected verdict, from a line of expect. */
typedef struct {
    char id[128];
    bool pass;
    bool grader_bug; /* the line carries "# grader bug" */
    bool seen;       /* the graded lab has this check */
} verdict;

/* One case of the corpus; the cmocka test's state. */
typedef struct {
    char lab[128];
    char name[256]; /* LAB/CASE, also the test's name */
    char dir[512];  /* tests/submissions/LAB/CASE */
} sub_case;

/* The sorted names of dir's sub-folders (not starting with '.'); NULL-ended. */
static char **subfolders(const char *dir, int *n)
{
    struct dirent **entries;
    int count = scandir(dir, &entries, NULL, alphasort);
    char **names = calloc((size_t)(count > 0 ? count : 0) + 1, sizeof *names);
    assert_non_null(names);
    *n = 0;
    for (int i = 0; i < count; i++) {
        char path[1024];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, entries[i]->d_name);
        if (entries[i]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            names[(*n)++] = strdup(entries[i]->d_name);
        free(entries[i]);
    }
    free(entries);
    return names;
}

static void free_names(char **names)
{
    for (size_t i = 0; names && names[i]; i++)
        free(names[i]);
    free(names);
}

/* Strips leading and trailing blanks in place. */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t len = strlen(s);
    while (len && strchr(" \t\r\n", s[len - 1]))
        s[--len] = '\0';
    return s;
}

/* Reads dir/expect into v[]; returns how many verdicts, failing the test
 * (with the line) on anything malformed. */
static int read_expect(const char *dir, verdict *v)
{
    char path[1024], line[1024];
    snprintf(path, sizeof path, "%s/expect", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("%s: cannot open", path);
    int n = 0, lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (lineno == 1 && (!hash || hash != line || strncmp(line, "# why: ", 7) != 0))
            fail_msg("%s:1: the first line must be \"# why: one sentence\"", path);
        bool bug = hash && strstr(hash, "grader bug");
        if (hash)
            *hash = '\0';
        char *text = trim(line);
        if (!*text)
            continue;
        char id[128], word[16], extra[2];
        if (n == MAX_CHECKS || sscanf(text, "%127s %15s %1s", id, word, extra) != 2 ||
            (strcmp(word, "pass") != 0 && strcmp(word, "fail") != 0))
            fail_msg("%s:%d: expected \"CHECK-ID pass\" or \"CHECK-ID fail\", got \"%s\"", path,
                     lineno, text);
        for (int i = 0; i < n; i++)
            if (strcmp(v[i].id, id) == 0)
                fail_msg("%s:%d: check %s is listed twice", path, lineno, id);
        snprintf(v[n].id, sizeof v[n].id, "%s", id);
        v[n].pass = strcmp(word, "pass") == 0;
        v[n].grader_bug = bug;
        v[n].seen = false;
        n++;
    }
    fclose(f);
    if (n == 0)
        fail_msg("%s: lists no check", path);
    return n;
}

static const char *json_text(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "(none)";
}

/* The graded lab `id` in racelab's JSON report, or NULL. */
static json_t *graded_lab(json_t *root, const char *id)
{
    size_t i;
    json_t *lab;
    json_array_foreach(json_object_get(root, "labs"), i, lab)
    {
        if (strcmp(json_text(lab, "id"), id) == 0)
            return lab;
    }
    return NULL;
}

/* Grades one case and compares every check's verdict with expect. */
static void case_verdicts_hold(void **state)
{
    const sub_case *c = *state;
    verdict expected[MAX_CHECKS];
    int nexpected = read_expect(c->dir, expected);

    char *tmp = e2e_tempdir();
    char out[1024];
    snprintf(out, sizeof out, "%s/result.json", tmp);
    const char *args[] = {"grade", "--submission", c->dir, "--lab",    c->lab, "--format",
                          "json",  "--output",     out,    "--trials", TRIALS, NULL};
    e2e_run r = e2e_racelab(args, NULL);
    json_t *root = e2e_json_file(out);
    json_t *lab = root ? graded_lab(root, c->lab) : NULL;
    if (r.status != 0 || !lab) {
        print_message("%s: racelab grade exited with %d and wrote %s\n%s\n", c->name, r.status,
                      lab ? "a result" : "no result for the lab", r.output ? r.output : "");
        json_decref(root);
        e2e_run_free(&r);
        e2e_rmtree(tmp);
        free(tmp);
        fail_msg("%s: grading did not complete", c->name);
    }
    if (strcmp(json_text(lab, "state"), "graded") != 0)
        print_message("%s: the lab was not graded (%s): %s\n%s\n", c->name, json_text(lab, "state"),
                      json_text(lab, "message"), json_text(lab, "build_log"));

    int wrong = 0;
    size_t i;
    json_t *check;
    json_array_foreach(json_object_get(lab, "checks"), i, check)
    {
        const char *id = json_text(check, "id");
        bool passed = json_is_true(json_object_get(check, "passed"));
        verdict *v = NULL;
        for (int k = 0; k < nexpected; k++)
            if (strcmp(expected[k].id, id) == 0)
                v = &expected[k];
        if (!v) {
            print_message("%s: check %s (%s) is not listed in expect\n", c->name, id,
                          passed ? "passed" : "failed");
            wrong++;
            continue;
        }
        v->seen = true;
        if (v->pass == passed)
            continue;
        json_t *details = json_object_get(check, "details");
        print_message("%s: check %s: expected %s, but it %s%s\n  summary: %s\n  details: %s\n",
                      c->name, id, v->pass ? "pass" : "fail", passed ? "passed" : "failed",
                      v->grader_bug ? " (a known grader bug, marked in expect)" : "",
                      json_text(check, "summary"),
                      json_is_string(details) ? json_string_value(details) : "(none)");
        wrong++;
    }
    for (int k = 0; k < nexpected; k++)
        if (!expected[k].seen) {
            print_message("%s: expect lists check %s, which %s does not have\n", c->name,
                          expected[k].id, c->lab);
            wrong++;
        }

    json_decref(root);
    e2e_run_free(&r);
    e2e_rmtree(tmp);
    free(tmp);
    if (wrong)
        fail_msg("%s: %d verdict%s from expect", c->name, wrong,
                 wrong == 1 ? " differs" : "s differ");
}

int main(void)
{
    int nlabs = 0, ncases = 0, cap = 0;
    char **labs = subfolders(CORPUS, &nlabs);
    struct CMUnitTest *tests = NULL;
    sub_case *cases = NULL;

    /* count first, so the case states never move once tests point at them */
    for (int l = 0; l < nlabs; l++) {
        char dir[512];
        int n;
        snprintf(dir, sizeof dir, "%s/%s", CORPUS, labs[l]);
        free_names(subfolders(dir, &n));
        cap += n;
    }
    cases = calloc((size_t)cap + 1, sizeof *cases);
    tests = calloc((size_t)cap + 1, sizeof *tests);
    if (!cases || !tests)
        return 1;
    for (int l = 0; l < nlabs; l++) {
        char dir[512];
        int n;
        snprintf(dir, sizeof dir, "%s/%s", CORPUS, labs[l]);
        char **names = subfolders(dir, &n);
        for (int k = 0; k < n && ncases < cap; k++) {
            sub_case *c = &cases[ncases];
            snprintf(c->lab, sizeof c->lab, "%s", labs[l]);
            snprintf(c->name, sizeof c->name, "%s/%s", labs[l], names[k]);
            snprintf(c->dir, sizeof c->dir, "%s/%s", dir, names[k]);
            tests[ncases] = (struct CMUnitTest){
                .name = c->name, .test_func = case_verdicts_hold, .initial_state = c};
            ncases++;
        }
        free_names(names);
    }
    free_names(labs);
    if (ncases == 0) {
        fprintf(stderr, "test_submissions: no case found under %s/ (run from the project root)\n",
                CORPUS);
        return 1;
    }
    int rc = _cmocka_run_group_tests("e2e_submissions", tests, (size_t)ncases, NULL, NULL);
    free(tests);
    free(cases);
    return rc;
}
