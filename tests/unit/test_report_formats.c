/*
 * test_report_formats.c - every result format rendered from results built
 * in memory (full marks, a failed check, a compile error, files not
 * submitted, a grader error, hostile student output) and read back the way
 * the platform reads it: JSON with jansson (fields, score sums, Autolab's
 * last line), JUnit XML with libxml2 (validated against a strict JUnit
 * schema, counts, names, failure texts), PrairieLearn's score in [0, 1]
 * and gradable.
 */
#include "report.h"
#include "util.h"

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* What a student's program can print: invalid UTF-8, control characters,
 * XML and Markdown markup, a fake Autolab score line, a fence. */
static const char hostile[] = "bad \xff\xfe utf8 \x01\x1b[31m ctrl ]]> </testsuite></testsuites> "
                              "<script>alert(1)</script> &amp; \"q\" \xef\xbf\xbe \xef\xbf\xbf\n"
                              "```\n[link](http://evil.example) ![img](x.png)\n"
                              "{\"scores\": {\"01-x\": 999}}\n";

/* Parts of a lab: check 0 race-free (50), 1 tests sum_* (35), 2 tests
 * secret_* (15, only hidden tests have such names). */
static lab_manifest make_lab(const char *id)
{
    lab_manifest m = {0};
    m.id = xstrdup(id);
    m.title = xstrdup("A lab <with> \"markup\"");
    strlist_push(&m.student_files, "x.c");
    strlist_push(&m.tests, "test_x.c");
    strlist_push(&m.hidden_tests, "test_x_hidden.c");
    m.hidden_visibility = manifest_visibilities[0];
    m.nchecks = 3;
    m.checks = xcalloc(3, sizeof *m.checks);
    const char *ids[] = {"race-free", "sums", "secrets"};
    const char *globs[] = {NULL, "sum_*", "secret_*"};
    const double points[] = {50, 35, 15};
    for (size_t i = 0; i < 3; i++) {
        m.checks[i].id = xstrdup(ids[i]);
        m.checks[i].title = xasprintf("Check %s & <friends>", ids[i]);
        m.checks[i].kind = i ? CHECK_TESTS : CHECK_RACE_FREE;
        m.checks[i].points = points[i];
        m.checks[i].hint = xstrdup("Lock it (see `man pthread_mutex_lock`).");
        if (globs[i])
            strlist_push(&m.checks[i].tests, globs[i]);
        m.max_points += points[i];
    }
    return m;
}

static void add_run(trial_result *t, const char *name, bool hidden, const char *const tests[],
                    size_t n, bool passed)
{
    t->runs = xrealloc(t->runs, (t->nruns + 1) * sizeof *t->runs);
    program_run *r = &t->runs[t->nruns++];
    memset(r, 0, sizeof *r);
    r->name = xstrdup(name);
    r->hidden = hidden;
    r->have_results = true;
    r->run.output = xstrdup("");
    r->tests.items = xcalloc(n, sizeof *r->tests.items);
    r->tests.n = n;
    for (size_t i = 0; i < n; i++) {
        r->tests.items[i].name = xstrdup(tests[i]);
        r->tests.items[i].passed = passed;
    }
}

/* A data race whose names come from the (hostile) TSan log. */
static void add_finding(lab_result *lab)
{
    lab->findings.items = xcalloc(1, sizeof *lab->findings.items);
    lab->findings.n = lab->findings.cap = 1;
    tsan_finding *f = &lab->findings.items[0];
    f->kind = TSAN_DATA_RACE;
    f->title = xstrdup("data race");
    f->variable = xstrdup(hostile);
    f->summary = xstrdup("data race x.c:3 in f");
    f->key = xstrdup("k");
    f->count = 2;
    f->naccesses = 2;
    f->accesses = xcalloc(2, sizeof *f->accesses);
    for (size_t i = 0; i < 2; i++) {
        tsan_access *a = &f->accesses[i];
        a->what = xstrdup("Write of size 4");
        a->is_write = true;
        a->is_previous = i == 1;
        a->thread = (int)i + 1;
        a->stack.n = 1;
        a->stack.frames = xcalloc(1, sizeof(tsan_frame));
        a->stack.frames[0].func = xstrdup("deposit</failure>");
        a->stack.frames[0].file = xstrdup("x.c");
        a->stack.frames[0].line = 3;
    }
    lab->stats = xcalloc(1, sizeof *lab->stats);
    lab->stats[0] = (finding_stat){.trials = 2, .first_trial = 0, .first_seed = 1};
}

/* A graded lab over two trials of a visible and a hidden test program.
 * With pass, every check passes; else race-free and sums fail, with
 * details holding `details`. */
static lab_result graded_lab(const char *id, bool pass, const char *details)
{
    lab_result lab = {0};
    lab.lab = make_lab(id);
    lab.state = LAB_GRADED;
    lab.build_log = xstrdup("");
    lab.seconds = 1.5;
    lab.ntrials = 2;
    lab.trials = xcalloc(2, sizeof *lab.trials);
    const char *visible[] = {"sum_small", "sum_big"}, *secret[] = {"sum_hidden", "secret_one"};
    for (int t = 0; t < 2; t++) {
        lab.trials[t].index = t;
        lab.trials[t].seed = 1 + (unsigned)t;
        lab.trials[t].threads = 4;
        add_run(&lab.trials[t], "test_x", false, visible, 2, pass);
        add_run(&lab.trials[t], "test_x_hidden", true, secret, 2, true);
    }
    lab.checks = xcalloc(3, sizeof *lab.checks);
    for (size_t i = 0; i < 3; i++) {
        check_result *c = &lab.checks[i];
        c->check = &lab.lab.checks[i];
        c->runs = 2;
        c->passed = pass || i == 2;
        c->failed_runs = c->passed ? 0 : 2;
        c->score = c->passed ? lab.lab.checks[i].points : 0;
        c->summary = xstrdup(c->passed ? "passed in all 2 runs" : "failed in all 2 runs");
        if (!c->passed)
            c->details = xstrdup(details);
        lab.score += c->score;
    }
    if (!pass)
        add_finding(&lab);
    lab.max_score = lab.lab.max_points;
    strlist_push(&lab.notes, "a note about <this> lab");
    return lab;
}

/* A lab that could not be graded, as grade.c makes one. */
static lab_result failed_lab(const char *id, lab_state state, const char *message, const char *log)
{
    lab_manifest m = make_lab(id);
    lab_result lab;
    grade_lab_failed(&m, state, message, &lab);
    if (log) {
        free(lab.build_log);
        lab.build_log = xstrdup(log);
    }
    lab.seconds = 0.25;
    return lab;
}

static report make_report(lab_result *labs, size_t n)
{
    report r = {.labs = labs, .nlabs = n, .submission = "sub", .toolchain = "clang 14"};
    r.seconds = 2;
    strlist_push(&r.notes, "isolation: none");
    return r;
}

static void free_report(report *r)
{
    for (size_t i = 0; i < r->nlabs; i++)
        lab_result_free(&r->labs[i]);
    strlist_free(&r->notes);
}

/* The report in a format, as a string. */
static char *render(const report *r, report_format f)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    rl_err err = {{0}};
    rl_status st = report_write(r, f, out, &err);
    if (st != RL_OK)
        print_error("%s\n", err.msg);
    assert_int_equal(st, RL_OK);
    assert_int_equal(fclose(out), 0);
    return text;
}

static json_t *parse_json(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (!j)
        print_error("line %d: %s\n%s\n", e.line, e.text, text);
    assert_non_null(j);
    return j;
}

/* No byte a terminal or a parser would trip on: control characters other
 * than line breaks and tabs, U+FFFE, U+FFFF. */
static void assert_clean(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        assert_false(*p < 0x20 && *p != '\n' && *p != '\t');
        assert_false(*p == 0x7F);
    }
}

static const char *jstr(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (!s)
        print_error("no string \"%s\"\n", key);
    assert_non_null(s);
    return s;
}

static double jnum(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    assert_true(json_is_number(v));
    return json_number_value(v);
}

/* ---- Gradescope ---- */

/* Checks the fields the design fixes and that the tests' scores add up;
 * returns the tests array (borrowed). */
static json_t *check_gradescope(json_t *root, const report *r)
{
    assert_true(json_is_integer(json_object_get(root, "execution_time")));
    assert_string_equal(jstr(root, "output_format"), "text");
    jstr(root, "stdout_visibility");
    assert_clean(jstr(root, "output"));
    json_t *tests = json_object_get(root, "tests");
    size_t checks = 0;
    for (size_t l = 0; l < r->nlabs; l++)
        checks += r->labs[l].lab.nchecks;
    assert_int_equal(json_array_size(tests), checks);
    double sum = 0;
    size_t i;
    json_t *t;
    json_array_foreach(tests, i, t)
    {
        jstr(t, "name");
        jstr(t, "number");
        assert_string_equal(jstr(t, "output_format"), "md");
        assert_clean(jstr(t, "output"));
        const char *status = jstr(t, "status");
        assert_true(strcmp(status, "passed") == 0 || strcmp(status, "failed") == 0);
        const char *vis = jstr(t, "visibility");
        bool known = false;
        for (size_t k = 0; manifest_visibilities[k]; k++)
            known = known || strcmp(vis, manifest_visibilities[k]) == 0;
        assert_true(known);
        json_t *tags = json_object_get(t, "tags");
        assert_true(json_is_array(tags) && json_array_size(tags) >= 2);
        assert_true(jnum(t, "score") <= jnum(t, "max_score"));
        assert_true(json_is_object(json_object_get(t, "extra_data")));
        sum += jnum(t, "score");
    }
    assert_true(sum == jnum(root, "score"));
    assert_true(sum == report_score(r));
    return tests;
}

static void gradescope_full_marks_and_hidden_checks(void **state)
{
    (void)state;
    lab_result labs[2] = {graded_lab("01-x", true, NULL), graded_lab("02-y", true, NULL)};
    labs[1].lab.hidden_visibility = "hidden";
    report r = make_report(labs, 2);
    char *text = render(&r, REPORT_GRADESCOPE);
    json_t *root = parse_json(text);
    json_t *tests = check_gradescope(root, &r);
    assert_true(jnum(root, "score") == 200);
    /* the check over hidden tests alone follows the lab's hidden_visibility */
    const char *expect[] = {"visible", "visible", "after_published",
                            "visible", "visible", "hidden"};
    for (size_t i = 0; i < 6; i++) {
        json_t *t = json_array_get(tests, i);
        assert_string_equal(jstr(t, "visibility"), expect[i]);
        assert_string_equal(jstr(t, "status"), "passed");
        assert_non_null(strstr(jstr(t, "output"), "**Passed:**"));
    }
    json_t *tags = json_object_get(json_array_get(tests, 2), "tags");
    assert_string_equal(json_string_value(json_array_get(tags, 1)), "tests");
    assert_string_equal(json_string_value(json_array_get(tags, 2)), "hidden-tests");
    assert_string_equal(jstr(json_array_get(tests, 4), "number"), "2.2");
    json_decref(root);
    free(text);
    free_report(&r);
}

static void gradescope_markdown_keeps_student_text_in_code(void **state)
{
    (void)state;
    lab_result labs[1] = {graded_lab("01-x", false, hostile)};
    report r = make_report(labs, 1);
    char *text = render(&r, REPORT_GRADESCOPE);
    json_t *root = parse_json(text);
    json_t *tests = check_gradescope(root, &r);
    const char *race = jstr(json_array_get(tests, 0), "output");
    assert_string_equal(jstr(json_array_get(tests, 0), "status"), "failed");
    assert_non_null(strstr(race, "**Failed:** failed in all 2 runs"));
    /* the student's ``` cannot close the block: the fence is longer */
    assert_non_null(strstr(race, "````text\n"));
    assert_non_null(strstr(race, "**Problem 1**"));
    assert_non_null(strstr(race, "deposit</failure>")); /* inside a code block */
    /* outside code blocks, the lab's prose is escaped */
    assert_non_null(
        strstr(race, "**Hint:** Lock it \\(see \\`man pthread\\_mutex\\_lock\\`\\)\\."));
    /* every line of student text sits between fences: count them */
    size_t fences = 0;
    for (const char *p = race; (p = strstr(p, "````")); p += 4)
        fences += p == race || p[-1] == '\n';
    assert_true(fences >= 2 && fences % 2 == 0);
    json_decref(root);
    free(text);
    free_report(&r);
}

static void gradescope_lab_not_graded_lists_every_check(void **state)
{
    (void)state;
    lab_result labs[2] = {
        failed_lab("01-x", LAB_BUILD_FAILED, "your code did not compile", hostile),
        failed_lab("02-y", LAB_NOT_SUBMITTED, "02-y: not found in the submission: x.c", NULL)};
    report r = make_report(labs, 2);
    char *text = render(&r, REPORT_GRADESCOPE);
    json_t *root = parse_json(text);
    json_t *tests = check_gradescope(root, &r);
    assert_true(jnum(root, "score") == 0);
    const char *first = jstr(json_array_get(tests, 0), "output");
    assert_non_null(strstr(first, "**Not graded:** your code did not compile"));
    assert_non_null(strstr(first, "````text\nbad ")); /* the compiler's messages, fenced */
    assert_non_null(strstr(jstr(json_array_get(tests, 3), "output"), "not found"));
    assert_string_equal(jstr(json_array_get(tests, 2), "visibility"), "visible");
    json_decref(root);
    free(text);
    free_report(&r);
}

/* ---- PrairieLearn ---- */

static json_t *check_prairielearn(const char *text, const report *r, bool gradable)
{
    assert_true(strlen(text) < 1024 * 1024);
    json_t *root = parse_json(text);
    assert_true(json_is_boolean(json_object_get(root, "gradable")));
    assert_int_equal(json_is_true(json_object_get(root, "gradable")), gradable);
    double score = jnum(root, "score");
    assert_true(score >= 0 && score <= 1);
    assert_clean(jstr(root, "message"));
    assert_clean(jstr(root, "output"));
    json_t *tests = json_object_get(root, "tests");
    double points = 0, max = 0;
    size_t i;
    json_t *t;
    json_array_foreach(tests, i, t)
    {
        jstr(t, "name");
        jstr(t, "message");
        assert_clean(jstr(t, "output"));
        points += jnum(t, "points");
        max += jnum(t, "max_points");
    }
    assert_true(max == report_max_score(r));
    if (gradable)
        assert_true(score == points / max);
    else
        assert_true(score == 0);
    json_t *errors = json_object_get(root, "format_errors");
    assert_int_equal(errors != NULL, !gradable);
    if (errors)
        assert_true(json_array_size(errors) > 0);
    return root;
}

static void prairielearn_scores_and_gradable(void **state)
{
    (void)state;
    lab_result labs[2] = {graded_lab("01-x", true, NULL), graded_lab("02-y", false, hostile)};
    report r = make_report(labs, 2);
    char *text = render(&r, REPORT_PRAIRIELEARN);
    json_t *root = check_prairielearn(text, &r, true);
    assert_true(jnum(root, "score") == 115.0 / 200.0);
    json_t *race = json_array_get(json_object_get(root, "tests"), 3);
    assert_string_equal(jstr(race, "name"), "02-y: Check race-free & <friends>");
    assert_string_equal(jstr(race, "message"), "failed in all 2 runs");
    assert_non_null(strstr(jstr(race, "output"), "Problem 1:"));
    assert_non_null(strstr(jstr(root, "message"), "02-y: 15/100"));
    json_decref(root);
    free(text);
    free_report(&r);
}

/* Files missing, code that does not compile, a grader failure: no attempt
 * counts, and format_errors says why. */
static void prairielearn_unusable_is_not_gradable(void **state)
{
    (void)state;
    lab_state states[] = {LAB_BUILD_FAILED, LAB_NOT_SUBMITTED, LAB_ERROR};
    for (size_t s = 0; s < 3; s++) {
        lab_result labs[2] = {graded_lab("01-x", true, NULL),
                              failed_lab("02-y", states[s], "02-y: why", hostile)};
        report r = make_report(labs, 2);
        char *text = render(&r, REPORT_PRAIRIELEARN);
        json_t *root = check_prairielearn(text, &r, false);
        const char *e =
            json_string_value(json_array_get(json_object_get(root, "format_errors"), 0));
        assert_non_null(e);
        assert_non_null(strstr(e, "02-y: why"));
        assert_null(strstr(e, "02-y: 02-y:"));
        assert_clean(e);
        /* the compiler's messages only for a compile error */
        assert_int_equal(strstr(e, "ctrl ]]>") != NULL, states[s] == LAB_BUILD_FAILED);
        assert_non_null(strstr(jstr(root, "message"), "does not count"));
        json_decref(root);
        free(text);
        free_report(&r);
    }
}

/* A run with many labs and huge outputs stays under PrairieLearn's 1 MB. */
static void prairielearn_stays_under_a_megabyte(void **state)
{
    (void)state;
    char *huge = xmalloc(300 * 1024 + 1);
    for (size_t i = 0; i < 300 * 1024; i++)
        huge[i] = "\"\\<\n"[i % 4];
    huge[300 * 1024] = '\0';
    lab_result labs[15];
    for (size_t l = 0; l < 15; l++) {
        char id[16];
        snprintf(id, sizeof id, "%02zu-lab", l + 1);
        labs[l] = l % 2 ? graded_lab(id, false, huge)
                        : failed_lab(id, LAB_BUILD_FAILED, "did not compile", huge);
    }
    report r = make_report(labs, 15);
    char *text = render(&r, REPORT_PRAIRIELEARN);
    json_t *root = check_prairielearn(text, &r, false);
    json_decref(root);
    free(text);
    free(huge);
    free_report(&r);
}

/* ---- Autolab ---- */

/* The last two lines of text (borrowed pointers into a copy). */
static void last_lines(char *copy, char **penultimate, char **last)
{
    size_t n = strlen(copy);
    assert_true(n > 0 && copy[n - 1] == '\n');
    copy[--n] = '\0';
    char *nl = strrchr(copy, '\n');
    assert_non_null(nl);
    *last = nl + 1;
    *nl = '\0';
    nl = strrchr(copy, '\n');
    *penultimate = nl ? nl + 1 : copy;
}

static void autolab_last_line_is_the_scores(void **state)
{
    (void)state;
    lab_result labs[3] = {graded_lab("01-x", true, NULL), graded_lab("02-y", false, hostile),
                          failed_lab("03-z", LAB_BUILD_FAILED, "did not compile", hostile)};
    labs[1].checks[1].score = 12.5; /* fractional points stay fractional */
    labs[1].score += 12.5;
    report r = make_report(labs, 3);
    char *text = render(&r, REPORT_AUTOLAB);
    assert_clean(text);
    char *copy = xstrdup(text), *feedback, *last;
    last_lines(copy, &feedback, &last);
    json_t *scores = parse_json(last);
    assert_int_equal(json_object_size(scores), 1);
    json_t *s = json_object_get(scores, "scores");
    assert_int_equal(json_object_size(s), 3);
    assert_true(json_is_integer(json_object_get(s, "01-x")));
    assert_int_equal(json_integer_value(json_object_get(s, "01-x")), 100);
    assert_true(jnum(s, "02-y") == 27.5);
    assert_true(jnum(s, "03-z") == 0);
    json_t *f = parse_json(feedback);
    assert_string_equal(jstr(f, "_presentation"), "semantic");
    assert_int_equal(json_array_size(json_object_get(f, "stages")), 3);
    json_t *stage = json_object_get(f, "02-y");
    json_t *race = json_object_get(stage, "Check race-free & <friends>");
    assert_true(json_is_false(json_object_get(race, "passed")));
    assert_non_null(strstr(jstr(race, "hint"), "Lock it"));
    json_t *ok = json_object_get(json_object_get(f, "01-x"), "Check sums & <friends>");
    assert_true(json_is_true(json_object_get(ok, "passed")));
    json_t *z = json_object_get(json_object_get(f, "03-z"), "Check secrets & <friends>");
    assert_non_null(strstr(jstr(z, "hint"), "did not compile"));
    /* the feedback above: the text report, with the student's fake line in it */
    assert_non_null(strstr(text, "Total: 127.5/300"));
    json_decref(scores);
    json_decref(f);
    free(copy);
    free(text);
    free_report(&r);
}

/* ---- JUnit ---- */

/* A strict JUnit schema: the junit-10 shape CI systems read, with the JUnit
 * 4 rules (element order, at most one failure or error per testcase,
 * message and type on both). */
static const char junit_xsd[] =
    "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'>"
    " <xs:complexType name='problem'><xs:simpleContent><xs:extension base='xs:string'>"
    "  <xs:attribute name='message' type='xs:string' use='required'/>"
    "  <xs:attribute name='type' type='xs:string' use='required'/>"
    " </xs:extension></xs:simpleContent></xs:complexType>"
    " <xs:element name='testsuites'><xs:complexType>"
    "  <xs:sequence><xs:element ref='testsuite' minOccurs='0' maxOccurs='unbounded'/>"
    "  </xs:sequence>"
    "  <xs:attribute name='name' type='xs:string'/>"
    "  <xs:attribute name='tests' type='xs:nonNegativeInteger'/>"
    "  <xs:attribute name='failures' type='xs:nonNegativeInteger'/>"
    "  <xs:attribute name='errors' type='xs:nonNegativeInteger'/>"
    "  <xs:attribute name='disabled' type='xs:nonNegativeInteger'/>"
    "  <xs:attribute name='time' type='xs:decimal'/>"
    " </xs:complexType></xs:element>"
    " <xs:element name='testsuite'><xs:complexType><xs:sequence>"
    "  <xs:element name='properties' minOccurs='0'><xs:complexType><xs:sequence>"
    "   <xs:element name='property' minOccurs='0' maxOccurs='unbounded'><xs:complexType>"
    "    <xs:attribute name='name' type='xs:string' use='required'/>"
    "    <xs:attribute name='value' type='xs:string' use='required'/>"
    "   </xs:complexType></xs:element>"
    "  </xs:sequence></xs:complexType></xs:element>"
    "  <xs:element name='testcase' minOccurs='0' maxOccurs='unbounded'><xs:complexType>"
    "   <xs:sequence>"
    "    <xs:choice minOccurs='0'>"
    "     <xs:element name='skipped' type='xs:string'/>"
    "     <xs:element name='error' type='problem'/>"
    "     <xs:element name='failure' type='problem'/>"
    "    </xs:choice>"
    "    <xs:element name='system-out' type='xs:string' minOccurs='0' maxOccurs='unbounded'/>"
    "    <xs:element name='system-err' type='xs:string' minOccurs='0' maxOccurs='unbounded'/>"
    "   </xs:sequence>"
    "   <xs:attribute name='name' type='xs:string' use='required'/>"
    "   <xs:attribute name='classname' type='xs:string' use='required'/>"
    "   <xs:attribute name='time' type='xs:decimal' use='required'/>"
    "  </xs:complexType></xs:element>"
    "  <xs:element name='system-out' type='xs:string' minOccurs='0'/>"
    "  <xs:element name='system-err' type='xs:string' minOccurs='0'/>"
    " </xs:sequence>"
    " <xs:attribute name='name' type='xs:string' use='required'/>"
    " <xs:attribute name='tests' type='xs:nonNegativeInteger' use='required'/>"
    " <xs:attribute name='failures' type='xs:nonNegativeInteger' use='required'/>"
    " <xs:attribute name='errors' type='xs:nonNegativeInteger' use='required'/>"
    " <xs:attribute name='skipped' type='xs:nonNegativeInteger' use='required'/>"
    " <xs:attribute name='time' type='xs:decimal' use='required'/>"
    " </xs:complexType></xs:element>"
    "</xs:schema>";

/* Parses text (no network, no entities) and validates it against the
 * schema; the caller frees the document. */
static xmlDocPtr parse_junit(const char *text)
{
    xmlDocPtr doc = xmlReadMemory(text, (int)strlen(text), "junit.xml", NULL, XML_PARSE_NONET);
    if (!doc)
        print_error("not XML:\n%s\n", text);
    assert_non_null(doc);
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt(junit_xsd, (int)strlen(junit_xsd));
    xmlSchemaPtr schema = xmlSchemaParse(pc);
    assert_non_null(schema);
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    int rc = xmlSchemaValidateDoc(vc, doc);
    if (rc != 0)
        print_error("not valid JUnit:\n%s\n", text);
    assert_int_equal(rc, 0);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
    return doc;
}

static xmlNodePtr child(xmlNodePtr n, const char *name, size_t k)
{
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0 && k-- == 0)
            return c;
    return NULL;
}

static long attr_long(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    assert_non_null(v);
    long x = strtol((const char *)v, NULL, 10);
    xmlFree(v);
    return x;
}

static void assert_attr(xmlNodePtr n, const char *name, const char *want)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    assert_non_null(v);
    assert_string_equal((const char *)v, want);
    xmlFree(v);
}

/* The text inside n (a new string). */
static char *content(xmlNodePtr n)
{
    xmlChar *v = xmlNodeGetContent(n);
    char *s = xstrdup((const char *)v);
    xmlFree(v);
    return s;
}

static void junit_counts_names_and_failures(void **state)
{
    (void)state;
    lab_result labs[2] = {graded_lab("01-x", true, NULL), graded_lab("02-y", false, hostile)};
    report r = make_report(labs, 2);
    char *text = render(&r, REPORT_JUNIT);
    xmlDocPtr doc = parse_junit(text);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    assert_string_equal((const char *)root->name, "testsuites");
    assert_int_equal(attr_long(root, "tests"), 6);
    assert_int_equal(attr_long(root, "failures"), 2);
    assert_int_equal(attr_long(root, "errors"), 0);
    xmlNodePtr pass = child(root, "testsuite", 0), fail = child(root, "testsuite", 1);
    assert_null(child(root, "testsuite", 2));
    assert_attr(pass, "name", "01-x");
    assert_int_equal(attr_long(pass, "failures"), 0);
    assert_attr(fail, "name", "02-y");
    assert_int_equal(attr_long(fail, "tests"), 3);
    assert_int_equal(attr_long(fail, "failures"), 2);
    assert_int_equal(attr_long(fail, "skipped"), 0);
    const char *ids[] = {"race-free", "sums", "secrets"};
    for (size_t i = 0; i < 3; i++) {
        xmlNodePtr tc = child(fail, "testcase", i);
        assert_non_null(tc);
        assert_attr(tc, "classname", "02-y");
        assert_attr(tc, "name", ids[i]);
        assert_attr(tc, "time", "0.500");
        assert_null(child(child(pass, "testcase", i), "failure", 0));
        assert_int_equal(child(tc, "failure", 0) != NULL, i < 2);
    }
    xmlNodePtr failure = child(child(fail, "testcase", 0), "failure", 0);
    assert_attr(failure, "message", "failed in all 2 runs");
    assert_attr(failure, "type", "race-free");
    char *body = content(failure);
    /* the student's text comes back as it was printed, markup and all */
    assert_non_null(strstr(body, "ctrl ]]> </testsuite></testsuites> <script>"));
    assert_non_null(strstr(body, "deposit</failure>"));
    assert_non_null(strstr(body, "Hint: Lock it"));
    assert_null(strstr(body, "\xef\xbf\xbe")); /* not an XML character: replaced */
    assert_clean(body);
    free(body);
    char *out = content(child(fail, "system-out", 0));
    assert_non_null(strstr(out, "02-y  A lab <with> \"markup\"  15/100"));
    assert_non_null(strstr(out, "note: isolation: none"));
    free(out);
    xmlFreeDoc(doc);
    free(text);
    free_report(&r);
}

static void junit_lab_not_graded_is_an_error(void **state)
{
    (void)state;
    lab_result labs[3] = {failed_lab("01-x", LAB_BUILD_FAILED, "did not compile", hostile),
                          failed_lab("02-y", LAB_NOT_SUBMITTED, "02-y: not found", NULL),
                          failed_lab("03-z", LAB_ERROR, "the grader failed", NULL)};
    report r = make_report(labs, 3);
    char *text = render(&r, REPORT_JUNIT);
    xmlDocPtr doc = parse_junit(text);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    assert_int_equal(attr_long(root, "tests"), 9);
    assert_int_equal(attr_long(root, "failures"), 0);
    assert_int_equal(attr_long(root, "errors"), 9);
    const char *types[] = {"build-failed", "not-submitted", "error"};
    for (size_t l = 0; l < 3; l++) {
        xmlNodePtr suite = child(root, "testsuite", l);
        assert_int_equal(attr_long(suite, "errors"), 3);
        xmlNodePtr error = child(child(suite, "testcase", 0), "error", 0);
        assert_non_null(error);
        assert_null(child(child(suite, "testcase", 0), "failure", 0));
        assert_attr(error, "type", types[l]);
    }
    char *log = content(child(child(child(root, "testsuite", 0), "testcase", 0), "error", 0));
    assert_non_null(strstr(log, "did not compile"));
    assert_non_null(strstr(log, "]]> </testsuite>")); /* the compiler's messages */
    free(log);
    xmlFreeDoc(doc);
    free(text);
    free_report(&r);
}

/* ---- every format, every state ---- */

static void every_format_is_complete_in_every_state(void **state)
{
    (void)state;
    const char *names[] = {"text",  "json",         "gradescope", "autolab",
                           "junit", "prairielearn", "html"};
    for (size_t f = 0; f < 7; f++) {
        report_format fmt;
        assert_true(report_format_parse(names[f], &fmt));
        lab_result labs[4] = {graded_lab("01-x", false, hostile),
                              failed_lab("02-y", LAB_BUILD_FAILED, "did not compile", hostile),
                              failed_lab("03-z", LAB_NOT_SUBMITTED, "03-z: not found", NULL),
                              failed_lab("04-w", LAB_ERROR, "the grader failed", NULL)};
        report r = make_report(labs, 4);
        char *text = render(&r, fmt);
        if (fmt == REPORT_JUNIT)
            xmlFreeDoc(parse_junit(text));
        else if (fmt != REPORT_TEXT && fmt != REPORT_AUTOLAB && fmt != REPORT_HTML)
            json_decref(parse_json(text));
        for (size_t l = 0; l < 4; l++) /* every lab named */
            assert_non_null(strstr(text, labs[l].lab.id));
        free(text);
        free_report(&r);
    }
    report_format fmt;
    assert_false(report_format_parse("xml", &fmt));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gradescope_full_marks_and_hidden_checks),
        cmocka_unit_test(gradescope_markdown_keeps_student_text_in_code),
        cmocka_unit_test(gradescope_lab_not_graded_lists_every_check),
        cmocka_unit_test(prairielearn_scores_and_gradable),
        cmocka_unit_test(prairielearn_unusable_is_not_gradable),
        cmocka_unit_test(prairielearn_stays_under_a_megabyte),
        cmocka_unit_test(autolab_last_line_is_the_scores),
        cmocka_unit_test(junit_counts_names_and_failures),
        cmocka_unit_test(junit_lab_not_graded_is_an_error),
        cmocka_unit_test(every_format_is_complete_in_every_state),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
