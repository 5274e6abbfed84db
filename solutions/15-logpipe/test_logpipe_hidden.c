/*
 * test_logpipe_hidden.c - hidden tests for 15-logpipe (instructor only, never handed out).
 *
 * Beyond the visible tests: the longest pipeline logpipe.h allows, pipelines
 * built from the trial's seed, stages that write nothing, signals that keep
 * interrupting the parent's reads and waits, a first stage that fails, bad
 * stage counts, and many pipelines in a row with nothing left behind. Test
 * names share the visible tests' prefixes (lines_, cleanup_) so that
 * lab.ini globs them into the same checks. Single-threaded; it forks only
 * through logpipe_run(). The helpers are the visible test's, repeated here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
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

/* emit | 14 stages | number: LOGPIPE_MAX_STAGES processes at once. */
static void lines_arrive_through_the_longest_pipeline(void **state)
{
    (void)state;
    struct step steps[LOGPIPE_MAX_STAGES];
    steps[0] = (struct step){EMIT, 400};
    for (int i = 1; i < LOGPIPE_MAX_STAGES - 1; i++)
        steps[i] = (struct step){i % 3 ? CAT : NUMBER, 0};
    steps[LOGPIPE_MAX_STAGES - 1] = (struct step){KEEP_ERRORS, 0};
    run_pipeline(steps, LOGPIPE_MAX_STAGES);
}

/* Pipelines whose stages and sizes come from the trial's seed. */
static void lines_arrive_through_pipelines_from_the_seed(void **state)
{
    (void)state;
    unsigned seed = racelab_seed(1);
    for (int round = 0; round < 3; round++) {
        int n = 1 + rand_r(&seed) % 5;
        struct step steps[LOGPIPE_MAX_STAGES];
        steps[0] = (struct step){EMIT, rand_r(&seed) % 3000};
        static const enum kind middle[] = {KEEP_ERRORS, NUMBER, COUNT, CAT};
        for (int i = 1; i < n; i++)
            steps[i] = (struct step){middle[rand_r(&seed) % 4], 0};
        run_pipeline(steps, n);
    }
}

/* Nothing to read at all: an empty output, not a failure. */
static void lines_arrive_even_when_there_are_none(void **state)
{
    (void)state;
    const struct step none[] = {{EMIT, 0}};
    run_pipeline(none, 1);
    const struct step counted[] = {{EMIT, 0}, {CAT, 0}, {COUNT, 0}};
    run_pipeline(counted, 3);
}

static void on_alarm(int sig)
{
    (void)sig; /* nothing: the point is to interrupt system calls */
}

/* SIGALRM every 200 us while the parent reads and waits (no SA_RESTART). */
static void lines_arrive_while_signals_interrupt_the_parent(void **state)
{
    (void)state;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    assert_int_equal(sigaction(SIGALRM, &sa, NULL), 0);
    struct itimerval tick = {.it_interval = {0, 200}, .it_value = {0, 200}}, off = {0};
    assert_int_equal(setitimer(ITIMER_REAL, &tick, NULL), 0);
    const struct step steps[] = {{EMIT, 8000}, {CAT, 0}, {NUMBER, 0}, {CAT, 0}};
    run_pipeline(steps, 4);
    assert_int_equal(setitimer(ITIMER_REAL, &off, NULL), 0);
    /* the do-nothing handler stays: a signal still on its way can't end the program */
}

/* The first stage fails: -1 with EIO, and the rest still finish and are waited for. */
static void cleanup_after_the_first_stage_fails(void **state)
{
    (void)state;
    const struct step steps[] = {{FAIL, 0}, {COUNT, 0}, {CAT, 0}};
    struct log_stage stages[3];
    for (int i = 0; i < 3; i++)
        stages[i] = (struct log_stage){.run = run_step, .arg = (void *)&steps[i]};
    char *output = NULL;
    size_t len = 0;
    errno = 0;
    int rc = logpipe_run(stages, 3, &output, &len);
    int err = errno;
    check_no_child_left();
    if (rc != -1 || err != EIO || output != NULL)
        racelab_fail("the first stage failed, but logpipe_run returned %d with errno %d", rc, err);
}

static void cleanup_rejects_bad_stage_counts(void **state)
{
    (void)state;
    const struct step step = {EMIT, 1};
    struct log_stage stages[LOGPIPE_MAX_STAGES + 1];
    for (int i = 0; i <= LOGPIPE_MAX_STAGES; i++)
        stages[i] = (struct log_stage){.run = run_step, .arg = (void *)&step};
    int before = open_fds();
    int bad[] = {0, -1, LOGPIPE_MAX_STAGES + 1};
    for (int i = 0; i < 3; i++) {
        char *output = NULL;
        size_t len = 0;
        errno = 0;
        assert_int_equal(logpipe_run(stages, bad[i], &output, &len), -1);
        assert_int_equal(errno, EINVAL);
        assert_null(output);
    }
    check_no_child_left();
    assert_int_equal(open_fds(), before);
}

static void cleanup_holds_across_many_pipelines(void **state)
{
    (void)state;
    unsigned seed = racelab_seed(1) + 7;
    int before = open_fds();
    for (int call = 0; call < 8; call++) {
        int n = 1 + rand_r(&seed) % 4;
        struct step steps[LOGPIPE_MAX_STAGES];
        steps[0] = (struct step){EMIT, rand_r(&seed) % 200};
        for (int i = 1; i < n; i++)
            steps[i] = (struct step){i % 2 ? CAT : KEEP_ERRORS, 0};
        run_pipeline(steps, n);
        check_no_child_left();
    }
    if (open_fds() != before)
        racelab_fail("%d descriptors were open before 8 pipelines, %d after", before, open_fds());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lines_arrive_even_when_there_are_none),
        cmocka_unit_test(lines_arrive_through_the_longest_pipeline),
        cmocka_unit_test(lines_arrive_through_pipelines_from_the_seed),
        cmocka_unit_test(lines_arrive_while_signals_interrupt_the_parent),
        cmocka_unit_test(cleanup_after_the_first_stage_fails),
        cmocka_unit_test(cleanup_rejects_bad_stage_counts),
        cmocka_unit_test(cleanup_holds_across_many_pipelines),
    };
    return cmocka_run_group_tests_name("logpipe_hidden", tests, NULL, NULL);
}
