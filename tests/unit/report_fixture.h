/*
 * report_fixture.h - helpers shared by the report renderers' tests
 * (test_report_text.c, test_report_html.c): reading a file, expecting text
 * in a rendering or not, a folder of decoy test files that must never be
 * quoted, and adding a test verdict to a trial. Include after cmocka.h.
 *
 * Ownership: read_file and secret_tests return new strings the caller frees.
 */
#ifndef RL_TEST_REPORT_FIXTURE_H
#define RL_TEST_REPORT_FIXTURE_H

#include "grade.h"
#include "util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static inline char *read_file(const char *path)
{
    char *text = NULL;
    size_t len = 0;
    bool cut = false;
    rl_err err = {{0}};
    if (file_read(path, 64 << 20, &text, &len, &cut, &err) != RL_OK)
        fail_msg("cannot read %s: %s", path, err.msg);
    return text;
}

static inline void expect(const char *text, const char *want)
{
    if (!strstr(text, want))
        fail_msg("missing \"%s\" in:\n%s", want, text);
}

static inline void expect_not(const char *text, const char *unwanted)
{
    if (strstr(text, unwanted))
        fail_msg("\"%s\" must not appear in:\n%s", unwanted, text);
}

static inline char *secret_tests(void)
{
    char tmpl[] = "/tmp/racelab-test-report-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    char *dir = xstrdup(tmpl);
    const char *files[] = {"test_bank.c", "test_bank_hidden.c", "test_ledger.c"};
    for (size_t i = 0; i < 3; i++) {
        char *path = path_join(dir, files[i]);
        strbuf sb;
        sb_init(&sb);
        for (int line = 1; line <= 200; line++)
            sb_printf(&sb, "    SECRET_TEST_LINE_%d(); /* never quoted */\n", line);
        rl_err err = {{0}};
        assert_int_equal(file_write(path, sb.data, sb.len, &err), RL_OK);
        sb_free(&sb);
        free(path);
    }
    return dir;
}

static inline void add_test(trial_result *t, const char *program, bool hidden, const char *name,
                            const char *message)
{
    program_run *run = NULL;
    for (size_t r = 0; r < t->nruns; r++)
        if (strcmp(t->runs[r].name, program) == 0)
            run = &t->runs[r];
    if (!run) {
        t->runs = xrealloc(t->runs, (t->nruns + 1) * sizeof *t->runs);
        run = &t->runs[t->nruns++];
        memset(run, 0, sizeof *run);
        run->name = xstrdup(program);
        run->hidden = hidden;
        run->have_results = true;
        run->run.output = xstrdup("");
    }
    run->tests.items = xrealloc(run->tests.items, (run->tests.n + 1) * sizeof *run->tests.items);
    test_case *c = &run->tests.items[run->tests.n++];
    c->name = xstrdup(name);
    c->passed = message == NULL;
    c->message = xstrdup(message);
}

#endif
