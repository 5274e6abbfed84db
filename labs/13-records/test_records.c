/*
 * test_records.c - visible tests for 13-records: every record arrives intact.
 *
 * Each test describes a batch of records (struct batch), builds the records
 * it expects in this process, and calls records_collect() with a source,
 * send_batch(), that rebuilds the same records from scratch inside the
 * worker process and sends them one by one. Then the test compares what
 * arrived with what it expected, byte for byte.
 *
 * The strings that arrive are compared through a pipe (see read_safely):
 * when the parent received an address that only meant something in the
 * worker, the test reports that instead of crashing. This program is
 * single-threaded, and it forks only through records_collect().
 *
 * Run by hand: build/racelab check 13-records (or `make grade`).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "racelab_lab.h"
#include "records.h"

/* What the worker is asked to send. */
enum shape {
    PLAIN,   /* ordinary names and messages of varied lengths */
    EMPTIES, /* empty names, empty messages, both, neither, in turn */
    SPECIAL, /* messages full of newlines, tabs, control bytes and UTF-8 */
    LONG,    /* short records around one message of long_len bytes */
};

struct batch {
    unsigned call; /* a number unique to this call, part of every message */
    size_t count;  /* records to send */
    enum shape shape;
    size_t long_len; /* LONG: the long message's length */
    long fail_after; /* > 0: the source fails after sending this many records */
};

static unsigned calls; /* numbers the batches, so no two calls send the same text */
static int probe[2];   /* the pipe read_safely() copies through */

static char *text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A new string, formatted like printf; NULL when out of memory. */
static char *text(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = len >= 0 ? malloc((size_t)len + 1) : NULL;
    if (s) {
        va_start(ap, fmt);
        vsnprintf(s, (size_t)len + 1, fmt, ap);
        va_end(ap);
    }
    return s;
}

/* Record i of batch b, with newly allocated strings (NULL strings when out of memory). */
static struct record make_record(const struct batch *b, size_t i)
{
    static const char *const names[] = {"auth",      "db",         "web-frontend-3",
                                        "scheduler", "mail.queue", "x"};
    static const char *const specials[] = {
        "line one\nline two\nline three",
        "windows\r\nline\r\n",
        "tab\tseparated\tvalues\t",
        "control \x01\x02\x1b[31m bytes \x7f",
        "UTF-8: Gr\303\274\303\237e \342\200\224 \342\234\223 \360\237\220\233",
        "\n",
        "trailing newline\n",
        "\xff\xfe high bytes \x80",
    };
    struct record r = {
        .seq = (int64_t)i * 1000003 - 500000000,
        .level = (int32_t)(i % 8),
    };
    if (i % 7 == 3)
        r.seq = i % 2 ? INT64_MAX - (int64_t)i : INT64_MIN + (int64_t)i;
    if (i % 11 == 5)
        r.level = i % 2 ? INT32_MIN : INT32_MAX;
    const char *name = names[i % (sizeof names / sizeof names[0])];

    switch (b->shape) {
    case PLAIN:
        r.name = text("%s", name);
        r.message =
            text("call %u, record %zu: request %zu served in %zu ms%.*s", b->call, i, i * 7 + 1,
                 i % 97, (int)(i * 13 % 60),
                 "........................................................................");
        break;
    case EMPTIES:
        r.name = text("%s", i % 4 == 0 || i % 4 == 1 ? "" : name);
        r.message =
            i % 4 == 0 || i % 4 == 2 ? text("%s", "") : text("call %u, record %zu", b->call, i);
        break;
    case SPECIAL:
        r.name = text("%s\t%zu", name, i);
        r.message = text("call %u, record %zu: %s", b->call, i,
                         specials[i % (sizeof specials / sizeof specials[0])]);
        break;
    case LONG:
        r.name = text("%s", name);
        if (i == 1 && (r.message = malloc(b->long_len + 1))) {
            int head = snprintf(r.message, b->long_len + 1, "call %u: ", b->call);
            for (size_t k = (size_t)head; k < b->long_len; k++)
                r.message[k] = (char)('a' + (k * 7 + k / 26) % 26);
            r.message[b->long_len] = '\0';
        } else if (i != 1) {
            r.message = text("call %u, record %zu around the long one", b->call, i);
        }
        break;
    }
    return r;
}

static void free_record(struct record *r)
{
    free(r->name);
    free(r->message);
}

/* The source: runs in the worker, rebuilds each record and sends it. */
static int send_batch(struct record_sender *out, void *arg)
{
    const struct batch *b = arg;
    for (size_t i = 0; i < b->count; i++) {
        if (b->fail_after > 0 && (long)i == b->fail_after)
            return -1;
        struct record r = make_record(b, i);
        int rc = r.name && r.message ? records_send(out, &r) : -1;
        free_record(&r);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static int open_pipe_probe(void **state)
{
    (void)state;
    return pipe(probe);
}

static int close_pipe_probe(void **state)
{
    (void)state;
    close(probe[0]);
    close(probe[1]);
    return 0;
}

/* Copies up to len bytes from p into buf, stopping at the first byte this
 * process cannot read: the bytes pass through a pipe, and write() fails with
 * EFAULT on a bad address where reading it directly would crash. Returns
 * how many bytes were copied. */
static size_t read_safely(const char *p, char *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        size_t chunk = len - done < 4096 ? len - done : 4096;
        ssize_t n = write(probe[1], p + done, chunk);
        if (n <= 0)
            break;
        if (read(probe[0], buf + done, (size_t)n) != n)
            break;
        done += (size_t)n;
    }
    return done;
}

/* Up to 40 bytes of s, with unprintable bytes escaped, into out (at least 200 bytes). */
static const char *excerpt(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n && i < 40; i++) {
        unsigned char c = (unsigned char)s[i];
        o +=
            (size_t)snprintf(out + o, 8, isprint(c) && c != '"' && c != '\\' ? "%c" : "\\x%02x", c);
    }
    snprintf(out + o, 8, "%s", n > 40 ? "..." : "");
    return out;
}

/* Fails the test unless the string at got (received) equals want (expected). */
static void check_string(size_t i, size_t count, const char *field, const char *got,
                         const char *want)
{
    size_t len = strlen(want);
    if (!got)
        racelab_fail("record %zu of %zu: its %s is NULL", i, count, field);
    char *copy = malloc(len + 1);
    assert_non_null(copy);
    size_t readable = read_safely(got, copy, len + 1);
    if (readable == 0)
        racelab_fail("record %zu of %zu: its %s points to %p, memory that this process cannot "
                     "read. An address only means something inside the process that made it: "
                     "send the characters themselves",
                     i, count, field, (const void *)got);
    size_t same = 0;
    while (same < readable && same <= len && copy[same] == want[same])
        same++;
    if (same <= len) {
        size_t shown = strnlen(copy, readable);
        char a[200], b[200];
        racelab_fail("record %zu of %zu: its %s should be \"%s\" (%zu bytes), but at the address "
                     "the parent received (%p) it finds \"%s\" (differs from byte %zu on)",
                     i, count, field, excerpt(want, len, a), len, (const void *)got,
                     excerpt(copy, shown, b), same);
    }
    free(copy);
}

/* Fails the test unless list holds exactly the records of batch b. */
static void check_list(const struct batch *b, const struct record *want,
                       const struct record_list *list)
{
    if (list->count != b->count)
        racelab_fail("the worker sent %zu records, but the parent received %zu", b->count,
                     list->count);
    for (size_t i = 0; i < b->count; i++) {
        const struct record *got = &list->records[i];
        if (got->seq != want[i].seq || got->level != want[i].level)
            racelab_fail("record %zu of %zu: seq %" PRId64 " and level %" PRId32
                         " arrived as seq %" PRId64 " and level %" PRId32,
                         i, b->count, want[i].seq, want[i].level, got->seq, got->level);
        check_string(i, b->count, "name", got->name, want[i].name);
        check_string(i, b->count, "message", got->message, want[i].message);
    }
}

/* Sends batch b through records_collect and checks every record that arrives. */
static void transfer(struct batch b)
{
    b.call = ++calls;
    /* The expected records are built before the worker is forked, so that the
     * worker's own copies of the strings live at addresses of their own. */
    struct record *want = calloc(b.count ? b.count : 1, sizeof *want);
    assert_non_null(want);
    for (size_t i = 0; i < b.count; i++) {
        want[i] = make_record(&b, i);
        assert_true(want[i].name && want[i].message);
    }

    struct record_list list = {NULL, 0};
    errno = 0;
    int rc = records_collect(send_batch, &b, &list);
    if (rc != 0)
        racelab_fail("records_collect returned %d (errno %d: %s) for a worker that sent %zu "
                     "records and succeeded",
                     rc, errno, strerror(errno), b.count);
    check_list(&b, want, &list);
    records_free(&list);
    assert_null(list.records);
    assert_int_equal(list.count, 0);
    for (size_t i = 0; i < b.count; i++)
        free_record(&want[i]);
    free(want);
}

/* Open file descriptors in this process, among the first 1024. */
static int open_fds(void)
{
    int n = 0;
    for (int fd = 0; fd < 1024; fd++)
        n += fcntl(fd, F_GETFD) != -1;
    return n;
}

/* Fails the test if this process has any child left, running or zombie
 * (after reaping it, so that the next test starts clean). */
static void check_no_child_left(void)
{
    errno = 0;
    pid_t pid = waitpid(-1, NULL, WNOHANG);
    if (pid == -1 && errno == ECHILD)
        return;
    while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
        ;
    if (pid == 0)
        racelab_fail("the worker was still running after records_collect returned: wait for it "
                     "with waitpid() before returning");
    racelab_fail("the worker (pid %d) was left as a zombie: records_collect must waitpid() for it",
                 (int)pid);
}

static void records_arrive_intact_and_in_order(void **state)
{
    (void)state;
    transfer((struct batch){.count = 60, .shape = PLAIN});
}

static void records_keep_their_empty_strings(void **state)
{
    (void)state;
    transfer((struct batch){.count = 24, .shape = EMPTIES});
}

static void records_keep_newlines_tabs_and_other_bytes(void **state)
{
    (void)state;
    transfer((struct batch){.count = 40, .shape = SPECIAL});
}

/* The worker reports its own process id: it is a child of this process, and gone afterwards. */
static int send_pids(struct record_sender *out, void *arg)
{
    (void)arg;
    char *message = text("worker %d, child of %d", (int)getpid(), (int)getppid());
    char name[] = "worker";
    struct record r = {.seq = getpid(), .level = 0, .name = name, .message = message};
    int rc = message ? records_send(out, &r) : -1;
    free(message);
    return rc;
}

static void records_come_from_a_separate_process(void **state)
{
    (void)state;
    char *want = malloc(100); /* allocated before the fork: see transfer() */
    assert_non_null(want);
    struct record_list list = {NULL, 0};
    assert_int_equal(records_collect(send_pids, NULL, &list), 0);
    assert_int_equal(list.count, 1);
    pid_t worker = (pid_t)list.records[0].seq;
    if (worker == getpid() || worker <= 0)
        racelab_fail("the source ran in process %d, which is not a separate worker process",
                     (int)worker);
    snprintf(want, 100, "worker %d, child of %d", (int)worker, (int)getpid());
    check_string(0, 1, "message", list.records[0].message, want);
    free(want);
    records_free(&list);
}

/* One message of 300 kB: far more than a pipe holds at once. */
static void transfer_of_a_long_message(void **state)
{
    (void)state;
    transfer((struct batch){.count = 3, .shape = LONG, .long_len = 300000});
}

/* 3000 records, a quarter of a megabyte in all. */
static void transfer_of_many_records(void **state)
{
    (void)state;
    transfer((struct batch){.count = 3000, .shape = PLAIN});
}

static void transfer_of_no_records_at_all(void **state)
{
    (void)state;
    transfer((struct batch){.count = 0, .shape = PLAIN});
}

/* Three calls: afterwards no child is left and no descriptor stays open. */
static void cleanup_reaps_the_worker_and_closes_every_pipe_end(void **state)
{
    (void)state;
    int before = open_fds();
    for (int round = 0; round < 3; round++) {
        struct batch b = {.call = ++calls, .count = 10, .shape = PLAIN};
        struct record_list list = {NULL, 0};
        assert_int_equal(records_collect(send_batch, &b, &list), 0);
        assert_int_equal(list.count, 10);
        records_free(&list);
        check_no_child_left();
    }
    int after = open_fds();
    if (after != before)
        racelab_fail("%d file descriptors were open before three calls, %d after", before, after);
}

/* A source that fails after 3 records: the call reports EIO and returns no records. */
static void cleanup_reports_a_failing_worker(void **state)
{
    (void)state;
    struct batch b = {.call = ++calls, .count = 10, .shape = PLAIN, .fail_after = 3};
    struct record_list list = {NULL, 0};
    errno = 0;
    int rc = records_collect(send_batch, &b, &list);
    int err = errno;
    check_no_child_left();
    if (rc != -1 || err != EIO)
        racelab_fail("the worker's source failed after 3 records, but records_collect returned "
                     "%d with errno %d (expected -1 with EIO)",
                     rc, err);
    if (list.count != 0 || list.records != NULL)
        racelab_fail("records_collect failed but left %zu records in the list", list.count);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(records_arrive_intact_and_in_order),
        cmocka_unit_test(records_keep_their_empty_strings),
        cmocka_unit_test(records_keep_newlines_tabs_and_other_bytes),
        cmocka_unit_test(records_come_from_a_separate_process),
        cmocka_unit_test(transfer_of_a_long_message),
        cmocka_unit_test(transfer_of_many_records),
        cmocka_unit_test(transfer_of_no_records_at_all),
        cmocka_unit_test(cleanup_reaps_the_worker_and_closes_every_pipe_end),
        cmocka_unit_test(cleanup_reports_a_failing_worker),
    };
    return cmocka_run_group_tests_name("records", tests, open_pipe_probe, close_pipe_probe);
}
