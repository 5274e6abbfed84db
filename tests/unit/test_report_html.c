/*
 * test_report_html.c - the HTML page (report_html.h): the escape function
 * against hostile text, and whole pages rendered from the real 01-bank and
 * 10-transfers logs of tests/fixtures/feedback with a student file full of
 * markup, read back with libxml2's HTML parser: the only <script> is the
 * page's own and its SHA-256 is the one the Content-Security-Policy names,
 * nothing is loaded from anywhere, the student's lines are shown as text,
 * the places sit side by side with a timeline, the tests' outcomes are a
 * chart, and a hidden test is named, never quoted. Every captured log of
 * tests/fixtures/tsan (each kind, and the hostile ones) makes a safe page
 * too, each problem under its headline. Run from the project root.
 */
#include "digest.h"
#include "manifest.h"
#include "report.h"
#include "report_html.h"
#include "util.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "report_fixture.h"

#define FEEDBACK "tests/fixtures/feedback"
#define FIXTURES "tests/fixtures/tsan"

/* ---- escaping ---- */

static void escape_hostile_text(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
        {"a \"quoted\" 'word' & more", "a &quot;quoted&quot; &#39;word&#39; &amp; more"},
        {"&lt; stays text", "&amp;lt; stays text"},
        {"<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"},
        {"\" onmouseover=\"alert(1)", "&quot; onmouseover=&quot;alert(1)"},
        {"]]></svg><script>", "]]&gt;&lt;/svg&gt;&lt;script&gt;"},
        {"bad \xff\xfe utf-8 \xc3", "bad \xEF\xBF\xBD\xEF\xBF\xBD utf-8 \xEF\xBF\xBD"},
        {"overlong \xc0\xbc", "overlong \xEF\xBF\xBD\xEF\xBF\xBD"},
        {"ctl \x01\x1b[31mred\x7f\r", "ctl ??[31mred??"},
        {"tab\tand\nline", "tab\tand\nline"},
        {"ünïcödé → ok", "ünïcödé → ok"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = report_html_escape(cases[i].in, 1000);
        if (strcmp(got, cases[i].out) != 0)
            fail_msg("escape case %zu: got \"%s\", want \"%s\"", i, got, cases[i].out);
        free(got);
    }
    char *none = report_html_escape(NULL, 10);
    assert_string_equal(none, "");
    free(none);
    /* capped, with the marker, and still escaped */
    char *capped = report_html_escape("<<<<<<<<<<<<<<<<<<<<", 8);
    expect(capped, "&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;");
    expect(capped, "[... cut by racelab]");
    expect_not(capped, "<");
    free(capped);
}

static void shortened_and_quoted(void **state)
{
    (void)state;
    strbuf sb;
    sb_init(&sb);
    report_html_put_short(&sb, "ééééé<", 3); /* never half a character */
    assert_string_equal(sb.data, "ééé…");
    sb_free(&sb);
    sb_init(&sb);
    report_html_put_short(&sb, "<b>", 3);
    assert_string_equal(sb.data, "&lt;b&gt;");
    sb_free(&sb);
    sb_init(&sb);
    report_html_put_words(&sb, "wrote `a->b<c>` and `x` then `unpaired");
    assert_string_equal(sb.data, "wrote <code>a-&gt;b&lt;c&gt;</code> and <code>x</code> then "
                                 "`unpaired");
    sb_free(&sb);
}

/* ---- whole pages ---- */

/* A copy of a fixture source in dir with hostile text added to line `at`
 * (kept on the same line, so the log's line numbers still match).
 * Returns the copy's path. */
static char *hostile_copy(const char *dir, const char *fixture, int at)
{
    char *text = read_file(fixture);
    strbuf sb;
    sb_init(&sb);
    int line = 1;
    for (const char *p = text; *p; p++) {
        if (*p == '\n' && line++ == at)
            sb_append(&sb, " /* </td></table><script>alert(1)</script> \"x' & \xff\x01 */");
        sb_appendn(&sb, p, 1);
    }
    char *path = path_join(dir, path_base(fixture));
    rl_err err = {{0}};
    assert_int_equal(file_write(path, sb.data, sb.len, &err), RL_OK);
    sb_free(&sb);
    free(text);
    return path;
}

/* A graded lab with one failed race-free check counting every finding of
 * log, whose student file is `student` (graded copy at `path`). */
static lab_result lab_with_log(const char *id, const char *log, const char *student,
                               const char *path)
{
    lab_result lab = {0};
    lab.lab.id = xstrdup(id);
    lab.lab.title = xstrdup("A <fixture> lab");
    strlist_push(&lab.lab.student_files, student);
    strlist_push(&lab.sources, path);
    strlist_push(&lab.lab.tests, "test_bank.c");
    strlist_push(&lab.lab.tests, "test_ledger.c");
    strlist_push(&lab.lab.hidden_tests, "test_bank_hidden.c");
    lab.lab.nchecks = 1;
    lab.lab.checks = xcalloc(1, sizeof *lab.lab.checks);
    lab_check *k = &lab.lab.checks[0];
    k->id = xstrdup("race-free");
    k->title = xstrdup("No data races");
    k->kind = CHECK_RACE_FREE;
    k->points = 50;
    k->hint = xstrdup("Lock `acct->lock` <around> it.");
    lab.lab.max_points = 50;
    lab.state = LAB_GRADED;
    lab.ntrials = 2;
    lab.trials = xcalloc(2, sizeof *lab.trials);
    for (int t = 0; t < 2; t++) {
        lab.trials[t].index = t;
        lab.trials[t].seed = 7 + (unsigned)t;
    }
    char *text = read_file(log);
    rl_err err = {{0}};
    assert_int_equal(tsan_parse(text, strlen(text), &lab.findings, &err), RL_OK);
    free(text);
    lab.stats = xcalloc(lab.findings.n + 1, sizeof *lab.stats);
    for (size_t i = 0; i < lab.findings.n; i++)
        lab.stats[i] = (finding_stat){.trials = 2, .first_trial = 0, .first_seed = 7};
    lab.checks = xcalloc(1, sizeof *lab.checks);
    lab.checks[0] = (check_result){
        .check = k, .runs = 2, .failed_runs = 2, .summary = xstrdup("failed in all 2 runs")};
    lab.max_score = 50;
    return lab;
}

static char *render(report *r)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    rl_err err = {{0}};
    assert_int_equal(report_write_html(r, out, &err), RL_OK);
    assert_int_equal(fclose(out), 0);
    return text;
}

/* ---- reading a page back ---- */

static htmlDocPtr parse(const char *page)
{
    htmlDocPtr doc = htmlReadMemory(page, (int)strlen(page), "report.html", "utf-8",
                                    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
    assert_non_null(doc);
    return doc;
}

/* Counts elements named `name` under n; *last is the last one seen. */
static size_t count(xmlNodePtr n, const char *name, xmlNodePtr *last)
{
    size_t c = 0;
    for (; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && xmlStrcasecmp(n->name, BAD_CAST name) == 0) {
            c++;
            if (last)
                *last = n;
        }
        c += count(n->children, name, last);
    }
    return c;
}

/* True when an element under n has an attribute `attr` (any element: src,
 * href to elsewhere, on* handlers are what a page that loads nothing and
 * runs only its own script never has). */
static bool any_attr(xmlNodePtr n, const char *attr, const char *starting)
{
    for (; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE)
            for (xmlAttrPtr a = n->properties; a; a = a->next) {
                if (xmlStrncasecmp(a->name, BAD_CAST attr, (int)strlen(attr)) != 0)
                    continue;
                xmlChar *v = xmlGetProp(n, a->name);
                bool hit = !starting || (v && strncmp((char *)v, starting, strlen(starting)) != 0);
                xmlFree(v);
                if (hit)
                    return true;
            }
        if (any_attr(n->children, attr, starting))
            return true;
    }
    return false;
}

/* The page's security properties: one script, the page's own, whose hash
 * and the style's are the policy's; no handler, no source, no link out. */
static void expect_safe_page(const char *page)
{
    htmlDocPtr doc = parse(page);
    xmlNodePtr root = xmlDocGetRootElement(doc), script = NULL, style = NULL, meta = NULL;
    assert_int_equal(count(root, "script", &script), 1);
    assert_int_equal(count(root, "style", &style), 1);
    assert_int_equal(count(root, "iframe", NULL) + count(root, "img", NULL) +
                         count(root, "object", NULL) + count(root, "link", NULL) +
                         count(root, "embed", NULL) + count(root, "base", NULL),
                     0);
    assert_false(any_attr(root, "on", NULL));    /* no event handler anywhere */
    assert_false(any_attr(root, "src", NULL));   /* nothing loaded */
    assert_false(any_attr(root, "href", "#"));   /* links stay on the page */
    assert_false(any_attr(root, "style", NULL)); /* the policy allows none */
    xmlChar *code = xmlNodeGetContent(script), *css = xmlNodeGetContent(style);
    char *script_hash = digest_sha256_base64(code, strlen((char *)code));
    char *style_hash = digest_sha256_base64(css, strlen((char *)css));
    xmlFree(code);
    xmlFree(css);
    /* the policy comes first in <head> */
    xmlNodePtr head = NULL;
    count(root, "head", &head);
    assert_non_null(head);
    for (xmlNodePtr n = head->children; n && !meta; n = n->next)
        if (n->type == XML_ELEMENT_NODE && xmlStrcasecmp(n->name, BAD_CAST "meta") == 0) {
            xmlChar *equiv = xmlGetProp(n, BAD_CAST "http-equiv");
            if (equiv && strcmp((char *)equiv, "Content-Security-Policy") == 0)
                meta = n;
            xmlFree(equiv);
        }
    assert_non_null(meta);
    xmlChar *policy = xmlGetProp(meta, BAD_CAST "content");
    expect((char *)policy, "default-src 'none'");
    char *want = xasprintf("script-src 'sha256-%s'", script_hash);
    expect((char *)policy, want);
    free(want);
    want = xasprintf("style-src 'sha256-%s'", style_hash);
    expect((char *)policy, want);
    free(want);
    xmlFree(policy);
    free(script_hash);
    free(style_hash);
    xmlFreeDoc(doc);
}

/* A folder standing in for the lab and its solutions, holding tests whose
 * text must never be quoted. */
static void bank_page_side_by_side(void **state)
{
    (void)state;
    char *dir = secret_tests();
    char *bank = hostile_copy(dir, FEEDBACK "/bank.c", 37); /* just above the race line */
    const char *logs[] = {FEEDBACK "/bank.tsan.log", FEEDBACK "/bank_hidden.tsan.log"};
    for (size_t l = 0; l < 2; l++) {
        lab_result lab = lab_with_log("01-bank", logs[l], "bank.c", bank);
        lab.lab.dir = xstrdup(dir);
        lab.lab.solution_dir = xstrdup(dir);
        for (int v = 0; v < 2; v++) {
            report r = {.labs = &lab,
                        .nlabs = 1,
                        .verbose = v,
                        .seconds = 1,
                        .submission = "sub'<x>.tar.gz"};
            strlist_push(&r.notes, "isolation: <own> namespaces");
            char *page = render(&r);
            expect_safe_page(page);
            expect(page, "<table class=\"scores\">");
            expect(page, "<div class=\"sides\">");
            expect(page, "<figure class=\"timeline\">");
            expect(page, "<code>acct-&gt;balance</code>");
            expect(page, "<caption>bank.c</caption>");
            expect(page, "<tr class=\"mark\"><td class=\"ln\">38</td><td class=\"code\">    "
                         "acct-&gt;balance += cents;");
            /* the hostile line is quoted as text, every character escaped */
            expect(page, "&lt;/td&gt;&lt;/table&gt;&lt;script&gt;alert(1)&lt;/script&gt; "
                         "&quot;x&#39; &amp; \xEF\xBF\xBD? */");
            expect(page, "build/racelab replay 01-bank --seed 7 --submission "
                         "&#39;sub&#39;\\&#39;&#39;&lt;x&gt;.tar.gz&#39;");
            expect(page, "note: isolation: &lt;own&gt; namespaces");
            expect(page, "<b>Hint:</b> Lock <code>acct-&gt;lock</code> &lt;around&gt; it.");
            expect(page, "A &lt;fixture&gt; lab");
            expect_not(page, "SECRET_TEST_LINE");
            expect_not(page, "test_bank_hidden");
            expect_not(page, "random_worker");
            if (l == 0)
                expect(page, "thread T2 was started in run_tellers() at test_bank.c:87");
            else
                expect(page, "thread T2 was started by a hidden test");
            free(page);
            strlist_free(&r.notes);
        }
        lab_result_free(&lab);
    }
    free(bank);
    dir_remove_tree(dir, NULL);
    free(dir);
}

static void ledger_cycle_lanes(void **state)
{
    (void)state;
    lab_result lab =
        lab_with_log("10-transfers", FEEDBACK "/ledger.tsan.log", "ledger.c", FEEDBACK "/ledger.c");
    report r = {.labs = &lab, .nlabs = 1, .seconds = 1};
    char *page = render(&r);
    expect_safe_page(page);
    expect(page, "the cycle: M0 → M1 → M0");
    expect(page, "M0 then M1: thread T4 took M1 (<code>payee-&gt;lock</code>)");
    expect(page, "Nothing orders the lanes");
    free(page);
    lab_result_free(&lab);
}

/* Every captured kind (and the hostile logs) as a page: safe, each
 * problem under its headline, laid out side by side where it has places
 * and in words where it has not. */
static void every_captured_kind_is_a_safe_page(void **state)
{
    (void)state;
    strlist names = {0};
    rl_err err = {{0}};
    assert_int_equal(dir_list(FIXTURES, &names, &err), RL_OK);
    size_t checked = 0;
    for (size_t i = 0; i < names.n; i++) {
        const char *n = names.items[i];
        if (!name_matches("*.clang1[49].log", n) && !name_matches("hostile_*.log", n))
            continue;
        char *prog = xstrndup(n, strcspn(n, "."));
        char *student = xasprintf("%s.c", prog), *src = xasprintf(FIXTURES "/src/%s.c", prog);
        char *log = xasprintf(FIXTURES "/%s", n);
        lab_result lab = lab_with_log("01-fx", log, student, src);
        for (int v = 0; v < 2; v++) {
            report r = {.labs = &lab, .nlabs = 1, .verbose = v, .seconds = 1};
            char *page = render(&r);
            expect_safe_page(page);
            report_detail d = {.verbose = v};
            for (size_t f = 0; f < lab.findings.n && f < 5; f++) {
                report_finding_parts parts;
                report_finding_parts_get(&lab, f, &d, &parts);
                strbuf want;
                sb_init(&want);
                sb_printf(&want, "<h4>Problem %zu: ", f + 1);
                report_html_put_words(&want, parts.headline);
                sb_append(&want, "</h4>\n");
                sb_append(&want, parts.nplaces ? "" : "<pre class=\"words\">");
                expect(page, want.data);
                if (parts.nplaces)
                    expect(page, "<figure class=\"timeline\">");
                sb_free(&want);
                report_finding_parts_free(&parts);
            }
            free(page);
        }
        checked++;
        lab_result_free(&lab);
        free(log);
        free(src);
        free(student);
        free(prog);
    }
    assert_true(checked >= 40);
    strlist_free(&names);
}

/* ---- test outcomes ---- */

static void outcomes_chart(void **state)
{
    (void)state;
    lab_result lab = lab_with_log("01-fx", FEEDBACK "/bank.tsan.log", "x.c", "/nonexistent/x.c");
    tsan_findings_free(&lab.findings);
    free(lab.trials);
    lab.ntrials = 20;
    lab.trials = xcalloc(20, sizeof *lab.trials);
    for (int t = 0; t < 20; t++) {
        trial_result *tr = &lab.trials[t];
        tr->index = t;
        tr->seed = 1 + (unsigned)t;
        const char *msg = t < 12   ? NULL
                          : t < 17 ? "990 != 1000 <script>alert(1)</script>\n"
                                     "test_x.c:12: error: Failure!"
                                   : "980 != 1000\ntest_x.c:12: error: Failure!";
        add_test(tr, "test_x", false, "sum_all", msg);
        add_test(tr, "test_x", false, "sum_none", NULL);
        add_test(tr, "test_x_hidden", true, "secret_sum",
                 t % 4 == 0 ? "SECRET MESSAGE 41 != 42\nsecret.c:3: error: Failure!" : NULL);
    }
    lab_check *k = &lab.lab.checks[0];
    k->kind = CHECK_TESTS;
    check_result *c = &lab.checks[0];
    c->failed_runs = 10;
    c->runs = 20;
    report r = {.labs = &lab, .nlabs = 1, .seconds = 1};
    char *page = render(&r);
    expect_safe_page(page);
    expect(page, "FLAKY");
    expect(page, "<figure class=\"outcomes\">");
    expect(page, ">sum_all</text>");
    expect(page, ">12/20 passed</text>");
    expect(page, ">hidden test secret_sum</text>");
    expect(page, "<rect class=\"bar-f0\""); /* 990 != 1000, in 5 runs */
    expect(page, "<rect class=\"bar-f1\""); /* 980 != 1000, in 3 */
    expect(page, "in 5 runs: <code>990 != 1000 &lt;script&gt;alert(1)&lt;/script&gt;</code> at "
                 "test_x.c:12");
    expect(page, "failed in 5 runs (a hidden test&#39;s messages stay private)");
    expect(page, "Replay the first failing run: <code>build/racelab replay 01-fx --seed 1</code>");
    expect_not(page, "SECRET");
    expect_not(page, "secret.c");
    free(page);
    lab_result_free(&lab);
}

/* ---- every state ---- */

static void every_state_is_complete(void **state)
{
    (void)state;
    lab_result labs[4] = {0};
    const lab_state states[] = {LAB_GRADED, LAB_BUILD_FAILED, LAB_NOT_SUBMITTED, LAB_ERROR};
    const char *ids[] = {"01-x", "02-y", "03-z", "04-w"};
    for (size_t i = 0; i < 4; i++) {
        lab_manifest m = {0};
        m.id = xstrdup(ids[i]);
        m.title = xstrdup("T");
        m.nchecks = 2;
        m.checks = xcalloc(2, sizeof *m.checks);
        m.checks[0] = (lab_check){.id = xstrdup("tests"), .kind = CHECK_TESTS, .points = 60};
        m.checks[1] = (lab_check){.id = xstrdup("mech"), .kind = CHECK_MECHANISM, .points = 40};
        m.max_points = 100;
        if (states[i] == LAB_GRADED) {
            labs[i].lab = m;
            labs[i].state = LAB_GRADED;
            labs[i].checks = xcalloc(2, sizeof *labs[i].checks);
            for (size_t k = 0; k < 2; k++)
                labs[i].checks[k] = (check_result){.check = &labs[i].lab.checks[k],
                                                   .score = labs[i].lab.checks[k].points,
                                                   .passed = true,
                                                   .summary = xstrdup("passed")};
            labs[i].score = labs[i].max_score = 100;
        } else {
            grade_lab_failed(&m, states[i], "a <b>reason</b>", &labs[i]);
            if (states[i] == LAB_BUILD_FAILED) {
                free(labs[i].build_log);
                labs[i].build_log = xstrdup("bank.c:3: error: <script>x</script>\n");
            }
        }
    }
    report r = {.labs = labs, .nlabs = 4, .seconds = 2};
    char *page = render(&r);
    expect_safe_page(page);
    for (size_t i = 0; i < 4; i++)
        expect(page, ids[i]);
    expect(page, "All 2 checks passed.");
    expect(page, "DID NOT COMPILE");
    expect(page, "NOT SUBMITTED");
    expect(page, "GRADER ERROR");
    expect(page, "a &lt;b&gt;reason&lt;/b&gt;");
    expect(page, "error: &lt;script&gt;x&lt;/script&gt;");
    expect(page, "Total</td><td class=\"pts\">100/400</td>");
    free(page);
    for (size_t i = 0; i < 4; i++)
        lab_result_free(&labs[i]);
    report_format f;
    assert_true(report_format_parse("html", &f));
    assert_int_equal(f, REPORT_HTML);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escape_hostile_text),
        cmocka_unit_test(shortened_and_quoted),
        cmocka_unit_test(bank_page_side_by_side),
        cmocka_unit_test(ledger_cycle_lanes),
        cmocka_unit_test(outcomes_chart),
        cmocka_unit_test(every_state_is_complete),
        cmocka_unit_test(every_captured_kind_is_a_safe_page),
    };
    int rc = cmocka_run_group_tests_name("report_html", tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
