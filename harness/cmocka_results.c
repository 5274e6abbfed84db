/*
 * cmocka_results.c - reads cmocka's XML report with libxml2 (see
 * cmocka_results.h). The shape read is:
 *   <testsuites><testsuite name=..><testcase name=..>[<failure>text</failure>]
 *   </testcase>...</testsuite></testsuites>
 */
#include "cmocka_results.h"

#include "util.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>

static bool is_element(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* The failure text of a testcase, or NULL when it passed. */
static char *failure_of(xmlNode *tc, bool *failed)
{
    *failed = false;
    for (xmlNode *c = tc->children; c; c = c->next) {
        if (!is_element(c, "failure") && !is_element(c, "error") && !is_element(c, "skipped"))
            continue;
        *failed = true;
        xmlChar *text = xmlNodeGetContent(c);
        char *msg = xstrndup(text ? (const char *)text : "", CMOCKA_MESSAGE_MAX);
        xmlFree(text);
        if (is_element(c, "skipped") && !*msg) {
            free(msg);
            msg = xstrdup("the test was skipped");
        }
        return msg;
    }
    return NULL;
}

static void add_case(test_cases *out, xmlNode *tc)
{
    xmlChar *name = xmlGetProp(tc, (const xmlChar *)"name");
    bool failed;
    char *msg = failure_of(tc, &failed);
    out->items = xrealloc(out->items, (out->n + 1) * sizeof *out->items);
    test_case *t = &out->items[out->n++];
    t->name = xstrndup(name ? (const char *)name : "(unnamed)", 200);
    t->passed = !failed;
    t->message = msg;
    xmlFree(name);
}

rl_status cmocka_results_parse(const char *xml, size_t len, test_cases *out, rl_err *err)
{
    memset(out, 0, sizeof *out);
    if (len == 0)
        return rl_fail(err, RL_ERR_IO, "the test report is empty");
    if (len > CMOCKA_XML_MAX)
        return rl_fail(err, RL_ERR_IO, "the test report is too large");
    xmlDoc *doc = xmlReadMemory(xml, (int)len, "cmocka.xml", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc)
        return rl_fail(err, RL_ERR_IO, "the test report is not complete XML");
    xmlNode *root = xmlDocGetRootElement(doc);
    rl_status st = RL_OK;
    if (!root || !is_element(root, "testsuites")) {
        st = rl_fail(err, RL_ERR_IO, "the test report is not a cmocka report");
        goto done;
    }
    for (xmlNode *suite = root->children; suite; suite = suite->next) {
        if (!is_element(suite, "testsuite"))
            continue;
        for (xmlNode *tc = suite->children; tc; tc = tc->next)
            if (is_element(tc, "testcase"))
                add_case(out, tc);
    }
    if (out->n == 0)
        st = rl_fail(err, RL_ERR_IO, "the test report lists no tests");
done:
    xmlFreeDoc(doc);
    if (st != RL_OK)
        test_cases_free(out);
    return st;
}

rl_status cmocka_results_read(const char *path, test_cases *out, rl_err *err)
{
    memset(out, 0, sizeof *out);
    char *text = NULL;
    size_t len = 0;
    bool truncated = false;
    rl_status st = file_read(path, CMOCKA_XML_MAX + 1, &text, &len, &truncated, err);
    if (st == RL_OK)
        st = cmocka_results_parse(text, len, out, err);
    free(text);
    return st;
}

void test_cases_free(test_cases *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->items[i].name);
        free(t->items[i].message);
    }
    free(t->items);
    memset(t, 0, sizeof *t);
}
