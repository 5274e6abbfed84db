/*
 * test_logpipe.c - visible tests for 15-logpipe: every line arrives, and nothing is left behind.
 *
 * Each test builds a pipeline out of the stages below (struct step says
 * which), runs it with logpipe_run(), and compares the parent's output with
 * what the same steps produce when this program applies them to a string in
 * memory. Most stages read their whole input before they write a thing, so
 * a stage whose input never reaches end-of-file never writes at all, and
 * the pipeline hangs: the lab's timeout then stops the test program.
 *
 * After each call the cleanup tests look for what logpipe_run must not
 * leave behind: a child process (running or zombie) or an open descriptor.
 * This program is single-threaded; it forks only through logpipe_run().
 *
 * Run by hand: build/racelab check 15-logpipe (or `make grade`).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "logpipe.h"
#include "racelab_lab.h"

/* What one stage does. */
enum kind {
    EMIT,        /* writes `lines` log lines (ignores its input) */
    KEEP_ERRORS, /* keeps the lines that contain "ERROR" */
    NUMBER,      /* puts "N\t" before line N (from 1) */
    COUNT,       /* replaces its input with one line: "N lines" */
    CAT,         /* copies its input as it arrives, chunk by chunk */
    FAIL,        /* reads its input, then fails */
};

struct step {
    enum kind kind;
    int lines; /* EMIT: how many */
};

/* A growing byte buffer. */
struct text {
    char *p;
    size_t len, cap;
};

static void append(struct text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->p = realloc(t->p, t->cap);
        if (!t->p)
            abort();
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

/* Whether the n bytes at p contain word. */
static bool contains(const char *p, size_t n, const char *word)
{
    size_t w = strlen(word);
    for (size_t i = 0; i + w <= n; i++)
        if (memcmp(p + i, word, w) == 0)
            return true;
    return false;
}

/* What step s makes of input (in memory): the answer key, and the stages' own logic. */
static struct text transform(const struct step *s, const struct text *input)
{
    struct text out = {0};
    append(&out, "", 0);
    char line[256];
    if (s->kind == EMIT) {
        for (int k = 1; k <= s->lines; k++) {
            int n = snprintf(line, sizeof line, "%06d %s\n", k,
                             k % 7 == 3 ? "ERROR disk full on /var" : "ok request served");
            append(&out, line, (size_t)n);
        }
        return out;
    }
    if (s->kind == CAT || s->kind == FAIL) {
        append(&out, input->p ? input->p : "", input->len);
        return out;
    }
    size_t count = 0;
    for (size_t at = 0; at < input->len;) {
        const char *nl = memchr(input->p + at, '\n', input->len - at);
        size_t n = nl ? (size_t)(nl - (input->p + at)) + 1 : input->len - at;
        count++;
        if (s->kind == KEEP_ERRORS && contains(input->p + at, n, "ERROR"))
            append(&out, input->p + at, n);
        if (s->kind == NUMBER) {
            int k = snprintf(line, sizeof line, "%zu\t", count);
            append(&out, line, (size_t)k);
            append(&out, input->p + at, n);
        }
        at += n;
    }
    if (s->kind == COUNT) {
        int n = snprintf(line, sizeof line, "%zu lines\n", count);
        append(&out, line, (size_t)n);
    }
    return out;
}

/* Writes all n bytes to fd, retrying short writes and EINTR. 0, or -1. */
static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* The stage function every worker runs (in its own process). */
static int run_step(int in, int out, void *arg)
{
    const struct step *s = arg;
    char chunk[4096];
    struct text input = {0};
    if (s->kind != EMIT) {
        for (;;) { /* until end-of-file: this is where a leaked write end hangs the stage */
            ssize_t n = read(in, chunk, sizeof chunk);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return 1;
            if (n == 0)
                break;
            if (s->kind == CAT) {
                if (write_all(out, chunk, (size_t)n) < 0)
                    return 1;
            } else {
                append(&input, chunk, (size_t)n);
            }
        }
    }
    if (s->kind == CAT)
        return 0;
    if (s->kind == FAIL)
        return 1;
    struct text result = transform(s, &input);
    int rc = write_all(out, result.p, result.len);
    free(result.p);
    free(input.p);
    return rc < 0 ? 1 : 0;
}

/* "emit(200) | keep-errors | ..." into buf. */
static const char *describe(const struct step *steps, int n, char *buf, size_t size)
{
    static const char *const names[] = {"emit", "keep-errors", "number", "count", "cat", "fail"};
    size_t at = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && at < size; i++) {
        at += (size_t)snprintf(buf + at, size - at, "%s%s", i ? " | " : "", names[steps[i].kind]);
        if (steps[i].kind == EMIT && at < size)
            at += (size_t)snprintf(buf + at, size - at, "(%d)", steps[i].lines);
    }
    return buf;
}

/* Runs the pipeline of n steps and checks that the parent received exactly
 * what the steps produce. */
static void run_pipeline(const struct step *steps, int n)
{
    struct log_stage stages[LOGPIPE_MAX_STAGES];
    struct text want = {0};
    append(&want, "", 0);
    for (int i = 0; i < n; i++) {
        stages[i] = (struct log_stage){.run = run_step, .arg = (void *)&steps[i]};
        struct text next = transform(&steps[i], &want);
        free(want.p);
        want = next;
    }

    char *output = NULL, name[512];
    size_t len = 0;
    errno = 0;
    int rc = logpipe_run(stages, n, &output, &len);
    if (rc != 0)
        racelab_fail("logpipe_run(%s) returned %d (errno %d: %s)",
                     describe(steps, n, name, sizeof name), rc, errno, strerror(errno));
    assert_non_null(output);
    size_t same = 0;
    while (same < len && same < want.len && output[same] == want.p[same])
        same++;
    if (len != want.len || same < len)
        racelab_fail(
            "%s: the parent received %zu bytes, expected %zu; they differ from byte %zu on",
            describe(steps, n, name, sizeof name), len, want.len, same);
    if (output[len] != '\0')
        racelab_fail("the output is not NUL-terminated");
    free(output);
    free(want.p);
}

/* Open file descriptors in this process, among the first 1024. */
static int open_fds(void)
{
    int n = 0;
    for (int fd = 0; fd < 1024; fd++)
        n += fcntl(fd, F_GETFD) != -1;
    return n;
}

/* Fails the test if a child is left (after reaping it, so the next test starts clean). */
static void check_no_child_left(void)
{
    errno = 0;
    pid_t pid = waitpid(-1, NULL, WNOHANG);
    if (pid == -1 && errno == ECHILD)
        return;
    while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
        ;
    if (pid == 0)
        racelab_fail("a worker was still running after logpipe_run returned");
    racelab_fail("worker %d was left as a zombie: logpipe_run must waitpid() for every worker",
                 (int)pid);
}

static void lines_arrive_from_a_single_stage(void **state)
{
    (void)state;
    const struct step steps[] = {{EMIT, 200}};
    run_pipeline(steps, 1);
}

static void lines_arrive_through_a_filter(void **state)
{
    (void)state;
    const struct step steps[] = {{EMIT, 500}, {KEEP_ERRORS, 0}};
    run_pipeline(steps, 2);
}

/* A stage that writes only once its input has ended. */
static void lines_are_counted_at_end_of_file(void **state)
{
    (void)state;
    const struct step steps[] = {{EMIT, 1000}, {COUNT, 0}};
    run_pipeline(steps, 2);
}

/* emit | cat | ... | number, RACELAB_THREADS stages in all. */
static void lines_arrive_through_the_trials_number_of_stages(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    struct step steps[LOGPIPE_MAX_STAGES];
    steps[0] = (struct step){EMIT, 300};
    for (int i = 1; i < n - 1; i++)
        steps[i] = (struct step){i % 2 ? CAT : KEEP_ERRORS, 0};
    steps[n - 1] = (struct step){NUMBER, 0};
    run_pipeline(steps, n);
}

/* About 350 kB: far more than a pipe holds, so every stage must keep reading while others write. */
static void lines_arrive_when_there_are_many(void **state)
{
    (void)state;
    const struct step steps[] = {{EMIT, 12000}, {CAT, 0}, {NUMBER, 0}};
    run_pipeline(steps, 3);
}

/* Three pipelines: afterwards no worker is left and no descriptor stays open. */
static void cleanup_leaves_no_zombie_and_no_open_descriptor(void **state)
{
    (void)state;
    const struct step steps[] = {{EMIT, 50}, {CAT, 0}, {KEEP_ERRORS, 0}};
    int before = open_fds();
    for (int round = 0; round < 3; round++) {
        run_pipeline(steps, 3);
        check_no_child_left();
    }
    int after = open_fds();
    if (after != before)
        racelab_fail("%d file descriptors were open before three pipelines of 3 stages, %d after",
                     before, after);
}

/* A stage fails: -1 with EIO, no output, and still every worker waited for. */
static void cleanup_reports_a_failing_stage(void **state)
{
    (void)state;
    const struct step steps[] = {{EMIT, 100}, {FAIL, 0}, {CAT, 0}};
    struct log_stage stages[3];
    for (int i = 0; i < 3; i++)
        stages[i] = (struct log_stage){.run = run_step, .arg = (void *)&steps[i]};
    char *output = (char *)"untouched";
    size_t len = 99;
    errno = 0;
    int rc = logpipe_run(stages, 3, &output, &len);
    int err = errno;
    check_no_child_left();
    if (rc != -1 || err != EIO)
        racelab_fail("the middle stage of emit | fail | cat failed, but logpipe_run returned %d "
                     "with errno %d (expected -1 with EIO)",
                     rc, err);
    if (output != NULL || len != 0)
        racelab_fail("logpipe_run failed, but *output is not NULL or *len is not 0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lines_arrive_from_a_single_stage),
        cmocka_unit_test(lines_arrive_through_a_filter),
        cmocka_unit_test(lines_are_counted_at_end_of_file),
        cmocka_unit_test(lines_arrive_through_the_trials_number_of_stages),
        cmocka_unit_test(lines_arrive_when_there_are_many),
        cmocka_unit_test(cleanup_leaves_no_zombie_and_no_open_descriptor),
        cmocka_unit_test(cleanup_reports_a_failing_stage),
    };
    return cmocka_run_group_tests_name("logpipe", tests, NULL, NULL);
}
