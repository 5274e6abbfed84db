/*
 * test_formats.c - end-to-end: build/racelab writing the grading
 * platforms' result files (--format junit, autolab, prairielearn) for
 * 01-bank's reference solution, its starter, a submission that does not
 * compile and one without the student's file. Each file is read back the
 * way its platform reads it. Two trials per grading, and each format's
 * details left to tests/unit/test_report_formats.c, keep this quick.
 */
#include "e2e.h"

#include "util.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Grades submission for 01-bank in format into dir/name; returns the run
 * and leaves the path in out. */
static e2e_run grade(const char *submission, const char *format, const char *dir, const char *name,
                     char *out, size_t outlen)
{
    snprintf(out, outlen, "%s/%s", dir, name);
    const char *args[] = {"grade", "--submission", submission, "--lab",    "01-bank", "--format",
                          format,  "--output",     out,        "--trials", "2",       NULL};
    return e2e_racelab(args, NULL);
}

static char *read_text(const char *path)
{
    char *text = NULL;
    size_t len = 0;
    bool cut = false;
    assert_int_equal(file_read(path, 8 << 20, &text, &len, &cut, NULL), RL_OK);
    return text;
}

/* Autolab's autoresult: the file's last line, parsed. */
static double autolab_score(const char *path)
{
    char *text = read_text(path);
    size_t n = strlen(text);
    assert_true(n > 1 && text[n - 1] == '\n');
    text[n - 1] = '\0';
    char *last = strrchr(text, '\n');
    assert_non_null(last);
    json_error_t e;
    json_t *j = json_loads(last + 1, 0, &e);
    assert_non_null(j);
    json_t *s = json_object_get(json_object_get(j, "scores"), "01-bank");
    assert_true(json_is_number(s));
    double score = json_number_value(s);
    *last = '\0'; /* the line above: formatted feedback */
    char *prev = strrchr(text, '\n');
    json_t *f = json_loads(prev ? prev + 1 : text, 0, &e);
    assert_non_null(f);
    assert_string_equal(json_string_value(json_object_get(f, "_presentation")), "semantic");
    json_decref(f);
    json_decref(j);
    free(text);
    return score;
}

static xmlNodePtr first_child(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
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

/* The JUnit file's counts: tests, failures, errors (of its one suite). */
static void junit_counts(const char *path, long *tests, long *failures, long *errors,
                         char **first_body)
{
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    assert_string_equal((const char *)root->name, "testsuites");
    xmlNodePtr suite = first_child(root, "testsuite");
    assert_non_null(suite);
    xmlChar *name = xmlGetProp(suite, BAD_CAST "name");
    assert_string_equal((const char *)name, "01-bank");
    xmlFree(name);
    *tests = attr_long(suite, "tests");
    *failures = attr_long(suite, "failures");
    *errors = attr_long(suite, "errors");
    xmlNodePtr tc = first_child(suite, "testcase");
    xmlNodePtr problem = first_child(tc, "failure");
    problem = problem ? problem : first_child(tc, "error");
    *first_body = NULL;
    if (problem) {
        xmlChar *body = xmlNodeGetContent(problem);
        *first_body = xstrdup((const char *)body);
        xmlFree(body);
    }
    xmlFreeDoc(doc);
}

static json_t *prairielearn(const char *path, bool gradable)
{
    json_t *root = e2e_json_file(path);
    assert_non_null(root);
    assert_int_equal(json_is_true(json_object_get(root, "gradable")), gradable);
    double score = json_number_value(json_object_get(root, "score"));
    assert_true(score >= 0 && score <= 1);
    assert_int_equal(json_array_size(json_object_get(root, "tests")), 3);
    assert_int_equal(json_object_get(root, "format_errors") != NULL, !gradable);
    return root;
}

static void solution_earns_full_marks_in_every_format(void **state)
{
    (void)state;
    char *dir = e2e_tempdir();
    char out[512];
    e2e_run r = grade("solutions/01-bank", "junit", dir, "junit.xml", out, sizeof out);
    assert_int_equal(r.status, 0);
    long tests, failures, errors;
    char *body;
    junit_counts(out, &tests, &failures, &errors, &body);
    assert_int_equal(tests, 3);
    assert_int_equal(failures, 0);
    assert_int_equal(errors, 0);
    assert_null(body);
    e2e_run_free(&r);
    r = grade("solutions/01-bank", "autolab", dir, "autolab.txt", out, sizeof out);
    assert_int_equal(r.status, 0);
    assert_true(autolab_score(out) == 100);
    e2e_run_free(&r);
    r = grade("solutions/01-bank", "prairielearn", dir, "results.json", out, sizeof out);
    assert_int_equal(r.status, 0);
    json_t *pl = prairielearn(out, true);
    assert_true(json_number_value(json_object_get(pl, "score")) == 1);
    json_decref(pl);
    e2e_run_free(&r);
    e2e_rmtree(dir);
    free(dir);
}

static void starter_loses_points_in_every_format(void **state)
{
    (void)state;
    char *dir = e2e_tempdir();
    char out[512];
    e2e_run r = grade("labs/01-bank", "junit", dir, "junit.xml", out, sizeof out);
    assert_int_equal(r.status, 0);
    long tests, failures, errors;
    char *body;
    junit_counts(out, &tests, &failures, &errors, &body);
    assert_int_equal(tests, 3);
    assert_true(failures >= 1);
    assert_int_equal(errors, 0);
    assert_non_null(body); /* race-free fails: the race at the student's line */
    assert_non_null(strstr(body, "bank.c:38"));
    free(body);
    e2e_run_free(&r);
    /* the student's own check, for Autolab: its working copy is the starter */
    snprintf(out, sizeof out, "%s/autolab.txt", dir);
    const char *args[] = {"check", "01-bank",  "--format", "autolab", "--output",
                          out,     "--trials", "2",        NULL};
    r = e2e_racelab(args, NULL);
    assert_int_equal(r.status, 1);
    assert_true(autolab_score(out) < 100);
    e2e_run_free(&r);
    e2e_rmtree(dir);
    free(dir);
}

/* No compiling code, no student file: still a complete file in every
 * format; PrairieLearn does not count the attempt. */
static void unusable_submissions_are_reported_in_every_format(void **state)
{
    (void)state;
    char *dir = e2e_tempdir();
    e2e_write(dir, "broken/bank.c", "#include \"bank.h\"\nthis is not C; ]]> </testsuite>\n");
    e2e_write(dir, "empty/README.txt", "nothing here\n");
    const char *subs[] = {"broken", "empty"};
    const int status[] = {0, 2};
    const char *reason[] = {"did not compile", "not found in the submission"};
    for (size_t s = 0; s < 2; s++) {
        char sub[512], out[512];
        snprintf(sub, sizeof sub, "%s/%s", dir, subs[s]);
        e2e_run r = grade(sub, "junit", dir, "junit.xml", out, sizeof out);
        assert_int_equal(r.status, status[s]);
        long tests, failures, errors;
        char *body;
        junit_counts(out, &tests, &failures, &errors, &body);
        assert_int_equal(errors, 3);
        assert_int_equal(failures, 0);
        assert_non_null(body);
        assert_non_null(strstr(body, reason[s]));
        if (s == 0)
            assert_non_null(strstr(body, "]]> </testsuite>")); /* the compiler's line */
        free(body);
        e2e_run_free(&r);
        if (s == 1) { /* (the unit tests cover Autolab's compile errors) */
            r = grade(sub, "autolab", dir, "autolab.txt", out, sizeof out);
            assert_int_equal(r.status, status[s]);
            assert_true(autolab_score(out) == 0);
            e2e_run_free(&r);
        }
        r = grade(sub, "prairielearn", dir, "results.json", out, sizeof out);
        assert_int_equal(r.status, status[s]);
        json_t *pl = prairielearn(out, false);
        const char *e = json_string_value(json_array_get(json_object_get(pl, "format_errors"), 0));
        assert_non_null(e);
        assert_non_null(strstr(e, reason[s]));
        json_decref(pl);
        e2e_run_free(&r);
    }
    e2e_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(solution_earns_full_marks_in_every_format),
        cmocka_unit_test(starter_loses_points_in_every_format),
        cmocka_unit_test(unusable_submissions_are_reported_in_every_format),
    };
    int rc = cmocka_run_group_tests_name("e2e_formats", tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
