/*
 * cmocka_results.h - reads the per-test verdicts a cmocka test program wrote
 * as XML (CMOCKA_MESSAGE_OUTPUT=xml, CMOCKA_XML_FILE=path).
 *
 * Results come from that file, never from the program's stdout, so a
 * submission cannot fake a pass by printing "[  PASSED  ]". A file that is
 * missing, empty, truncated or not cmocka's XML is an error: the caller then
 * treats every test of that program as not passed. Parsing uses libxml2 with
 * network access and entity expansion off.
 *
 * Ownership: cmocka_results_parse fills a test_cases released by
 * test_cases_free().
 */
#ifndef RL_CMOCKA_RESULTS_H
#define RL_CMOCKA_RESULTS_H

#include "rl.h"

#include <stdbool.h>
#include <stddef.h>

#define CMOCKA_XML_MAX (4 * 1024 * 1024)
#define CMOCKA_MESSAGE_MAX 2048

typedef struct {
    char *name;    /* the cmocka test's name */
    bool passed;   /* no <failure>, <error> or <skipped> */
    char *message; /* the failure text (capped), or NULL when passed */
} test_case;

typedef struct {
    test_case *items;
    size_t n;
} test_cases;

/* Parses len bytes of XML. Fails with RL_ERR_IO and a one-line reason when
 * the text is not a complete cmocka report. */
rl_status cmocka_results_parse(const char *xml, size_t len, test_cases *out, rl_err *err);

/* Reads and parses the file at path (RL_ERR_NOT_FOUND when absent). */
rl_status cmocka_results_read(const char *path, test_cases *out, rl_err *err);

void test_cases_free(test_cases *t);

#endif
