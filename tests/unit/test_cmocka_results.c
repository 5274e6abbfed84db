/*
 * test_cmocka_results.c - reading cmocka's XML report: real reports give
 * each test's verdict; anything incomplete or hostile is an error, never a
 * pass and never a crash.
 */
#include "cmocka_results.h"
#include "util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Written by cmocka 1.1 for one passing and one failing test. */
static const char real_report[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n"
    "<testsuites>\n"
    "  <testsuite name=\"grp\" time=\"0.000\" tests=\"3\" failures=\"1\" errors=\"0\" "
    "skipped=\"1\" >\n"
    "    <testcase name=\"ok\" time=\"0.000\" >\n"
    "    </testcase>\n"
    "    <testcase name=\"bad\" time=\"0.000\" >\n"
    "      <failure><![CDATA[0x1 != 0x2\nc.c:6: error: Failure!]]></failure>\n"
    "    </testcase>\n"
    "    <testcase name=\"later\" time=\"0.000\" >\n"
    "      <skipped/>\n"
    "    </testcase>\n"
    "  </testsuite>\n"
    "</testsuites>\n";

static rl_status parse(const char *xml, test_cases *t, rl_err *err)
{
    return cmocka_results_parse(xml, strlen(xml), t, err);
}

static void real_report_gives_each_verdict(void **state)
{
    (void)state;
    test_cases t;
    rl_err err = {{0}};
    assert_int_equal(parse(real_report, &t, &err), RL_OK);
    assert_int_equal(t.n, 3);
    assert_string_equal(t.items[0].name, "ok");
    assert_true(t.items[0].passed);
    assert_null(t.items[0].message);
    assert_string_equal(t.items[1].name, "bad");
    assert_false(t.items[1].passed);
    assert_non_null(strstr(t.items[1].message, "0x1 != 0x2"));
    assert_false(t.items[2].passed); /* a skipped graded test did not pass */
    test_cases_free(&t);
}

static void incomplete_reports_are_errors(void **state)
{
    (void)state;
    test_cases t;
    rl_err err = {{0}};
    /* cut anywhere: never a pass */
    size_t len = strlen(real_report);
    for (size_t cut = 0; cut < len - 2; cut += 7) {
        rl_status st = cmocka_results_parse(real_report, cut, &t, &err);
        if (st == RL_OK) {
            /* libxml2 may recover nothing less than the whole document */
            fail_msg("report cut at %zu parsed as complete", cut);
        }
    }
    assert_int_equal(parse("", &t, &err), RL_ERR_IO);
    assert_int_equal(parse("[  PASSED  ] 3 test(s).", &t, &err), RL_ERR_IO);
    assert_int_equal(parse("<testsuites></testsuites>", &t, &err), RL_ERR_IO);
    assert_non_null(strstr(err.msg, "no tests"));
    assert_int_equal(parse("<html><testcase name=\"x\"/></html>", &t, &err), RL_ERR_IO);
    assert_non_null(strstr(err.msg, "not a cmocka report"));
}

static void hostile_reports_are_contained(void **state)
{
    (void)state;
    test_cases t;
    rl_err err = {{0}};
    /* entity expansion ("billion laughs") must not be expanded or hang */
    const char laughs[] =
        "<?xml version=\"1.0\"?><!DOCTYPE t [<!ENTITY a \"aaaaaaaaaa\">"
        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c "
        "\"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
        "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e "
        "\"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">"
        "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\"><!ENTITY g "
        "\"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">"
        "]><testsuites><testsuite><testcase name=\"x\"><failure>&g;</failure></testcase>"
        "</testsuite></testsuites>";
    rl_status st = parse(laughs, &t, &err);
    if (st == RL_OK) {
        assert_false(t.items[0].passed);
        assert_true(strlen(t.items[0].message) <= CMOCKA_MESSAGE_MAX);
        test_cases_free(&t);
    }
    /* external entities are not fetched */
    const char external[] = "<?xml version=\"1.0\"?><!DOCTYPE t [<!ENTITY x SYSTEM "
                            "\"file:///etc/passwd\">]><testsuites><testsuite><testcase "
                            "name=\"x\"><failure>&x;</failure></testcase></testsuite>"
                            "</testsuites>";
    st = parse(external, &t, &err);
    if (st == RL_OK) {
        assert_null(strstr(t.items[0].message ? t.items[0].message : "", "root:"));
        test_cases_free(&t);
    }
    /* a long name and message are capped */
    strbuf sb;
    sb_init(&sb);
    sb_append(&sb, "<testsuites><testsuite><testcase name=\"");
    for (int i = 0; i < 10000; i++)
        sb_append(&sb, "n");
    sb_append(&sb, "\"><failure>");
    for (int i = 0; i < 100000; i++)
        sb_append(&sb, "m");
    sb_append(&sb, "</failure></testcase></testsuite></testsuites>");
    assert_int_equal(parse(sb.data, &t, &err), RL_OK);
    assert_true(strlen(t.items[0].name) <= 200);
    assert_true(strlen(t.items[0].message) <= CMOCKA_MESSAGE_MAX);
    test_cases_free(&t);
    sb_free(&sb);
    /* a testcase without a name still counts, as "(unnamed)" */
    assert_int_equal(parse("<testsuites><testsuite><testcase/></testsuite></testsuites>", &t, &err),
                     RL_OK);
    assert_string_equal(t.items[0].name, "(unnamed)");
    test_cases_free(&t);
}

static void missing_file_is_not_found(void **state)
{
    (void)state;
    test_cases t;
    rl_err err = {{0}};
    assert_int_equal(cmocka_results_read("/nonexistent/x.xml", &t, &err), RL_ERR_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(real_report_gives_each_verdict),
        cmocka_unit_test(incomplete_reports_are_errors),
        cmocka_unit_test(hostile_reports_are_contained),
        cmocka_unit_test(missing_file_is_not_found),
    };
    return cmocka_run_group_tests_name("cmocka_results", tests, NULL, NULL);
}
