/*
 * test_toolchain.c - the toolchain check: a missing compiler or a broken
 * ThreadSanitizer gives one line saying what to install (and grading still
 * writes a complete result file); a runtime that only starts with address
 * randomisation off is run that way, and the report says so.
 *
 * A fake compiler (a shell script) stands in for clang when it compiles and
 * links the toolchain probe, and passes every other build to the real clang.
 */
#include "e2e.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

/* $1: what the fake probe does: "needs-no-aslr" or "broken". */
static const char fake_cc[] =
    "#!/bin/sh\n"
    "for a in \"$@\"; do\n"
    "  if [ \"$a\" = probe.c ]; then : > probe.o; exit 0; fi\n"
    "  if [ \"$a\" = probe.o ]; then\n"
    "    cat > probe <<'EOS'\n"
    "#!/bin/sh\n"
    "read p < /proc/self/personality\n"
    "if [ MODE = broken ] || [ $(( 0x$p & 0x40000 )) -eq 0 ]; then\n"
    "  echo 'FATAL: ThreadSanitizer: unexpected memory mapping 0x7f0000000000'; exit 66\n"
    "fi\n"
    "log=$(echo \"$TSAN_OPTIONS\" | sed 's/.*log_path=\\([^ ]*\\).*/\\1/')\n"
    "echo \"WARNING: ThreadSanitizer: data race (pid=$$)\" > \"$log.$$\"\n"
    "EOS\n"
    "    chmod +x probe; exit 0\n"
    "  fi\n"
    "done\n"
    "exec clang \"$@\"\n";

static char *make_fake(const char *dir, const char *mode)
{
    char *text = strdup(fake_cc);
    char *at = strstr(text, "MODE");
    char *script = NULL;
    if (asprintf(&script, "%.*s%s%s", (int)(at - text), text, mode, at + 4) < 0)
        abort();
    e2e_write(dir, "fakecc", script);
    char *path = NULL;
    if (asprintf(&path, "%s/fakecc", dir) < 0)
        abort();
    chmod(path, 0755);
    chmod(dir, 0755); /* the sandboxed compiler runs as an unprivileged user */
    free(text);
    free(script);
    return path;
}

static void missing_compiler_is_one_line(void **state)
{
    (void)state;
    const char *env[] = {"RACELAB_CC=/nonexistent/clang", NULL};
    const char *args[] = {"check", "01-bank", "--trials", "1", NULL};
    e2e_run r = e2e_racelab(args, env);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.output, "/nonexistent/clang not found"));
    assert_non_null(strstr(r.output, "apt-get install clang"));
    e2e_run_free(&r);
}

static void runtime_needing_aslr_off_runs_that_way(void **state)
{
    (void)state;
    char *dir = e2e_tempdir();
    char *cc = make_fake(dir, "needs-no-aslr");
    char env0[600];
    snprintf(env0, sizeof env0, "RACELAB_CC=%s", cc);
    const char *env[] = {env0, NULL};
    const char *args[] = {
        "grade", "--submission", "solutions/01-bank", "--lab", "01-bank", "--trials", "2", NULL};
    e2e_run r = e2e_racelab(args, env);
    if (r.status != 0 || !strstr(r.output, "Total: 100/100"))
        print_error("%s\n", r.output);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.output, "address randomisation"));
    assert_non_null(strstr(r.output, "Total: 100/100"));
    e2e_run_free(&r);
    free(cc);
    e2e_rmtree(dir);
    free(dir);
}

static void broken_sanitizer_still_writes_complete_result(void **state)
{
    (void)state;
    char *dir = e2e_tempdir();
    char *cc = make_fake(dir, "broken");
    char env0[600], out[600];
    snprintf(env0, sizeof env0, "RACELAB_CC=%s", cc);
    snprintf(out, sizeof out, "%s/results.json", dir);
    const char *env[] = {env0, NULL};
    const char *args[] = {"grade",    "--submission", "solutions/01-bank", "--lab", "01-bank",
                          "--format", "gradescope",   "--output",          out,     NULL};
    e2e_run r = e2e_racelab(args, env);
    assert_int_equal(r.status, 3);
    assert_non_null(strstr(r.output, "ThreadSanitizer does not work here"));
    json_t *root = e2e_json_file(out);
    assert_non_null(root);
    json_t *tests = json_object_get(root, "tests");
    assert_true(json_array_size(tests) >= 3); /* every check of 01-bank, scored */
    assert_string_equal(json_string_value(json_object_get(json_array_get(tests, 0), "status")),
                        "failed");
    assert_non_null(strstr(json_string_value(json_object_get(json_array_get(tests, 0), "output")),
                           "ThreadSanitizer"));
    json_decref(root);
    e2e_run_free(&r);
    free(cc);
    e2e_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(missing_compiler_is_one_line),
        cmocka_unit_test(runtime_needing_aslr_off_runs_that_way),
        cmocka_unit_test(broken_sanitizer_still_writes_complete_result),
    };
    return cmocka_run_group_tests_name("e2e_toolchain", tests, NULL, NULL);
}
