/*
 * What the student tried: a text protocol, one line per record: the
 * numbers in decimal, then the name, a tab, the message and a newline. It
 * is easy to read and debug, and correct for ordinary log lines, but
 * records.h allows any byte but NUL in a message, newlines and tabs
 * included: a message with a newline is cut into a broken record, and a
 * name with a tab shifts the split. No separator character is safe; the
 * lengths must travel first.
 */
#include "records.h"

#include <errno.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct record_sender {
    int fd;      /* write end of the pipe to the parent */
    bool failed; /* a send failed: the worker must report failure */
};

/* Writes all len bytes, retrying short writes and EINTR. 0, or -1 with errno. */
static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Reads exactly len bytes, retrying short reads and EINTR. Returns 1 when
 * all arrived, 0 at end-of-file before the first byte, -1 with errno set
 * otherwise (EIO: end-of-file part way). */
static int read_all(int fd, void *buf, size_t len)
{
    char *p = buf;
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, p + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0) {
            if (got == 0)
                return 0;
            errno = EIO;
            return -1;
        }
        got += (size_t)n;
    }
    return 1;
}

int records_send(struct record_sender *out, const struct record *rec)
{
    size_t name_len = strlen(rec->name), message_len = strlen(rec->message);
    if (name_len > RECORD_MAX_TEXT || message_len > RECORD_MAX_TEXT) {
        out->failed = true;
        errno = EINVAL;
        return -1;
    }
    /* one line per record: "seq level name<TAB>message<NEWLINE>" */
    char head[64];
    int head_len = snprintf(head, sizeof head, "%lld %d ", (long long)rec->seq, (int)rec->level);
    if (write_all(out->fd, head, (size_t)head_len) < 0 ||
        write_all(out->fd, rec->name, name_len) < 0 || write_all(out->fd, "\t", 1) < 0 ||
        write_all(out->fd, rec->message, message_len) < 0 || write_all(out->fd, "\n", 1) < 0) {
        out->failed = true;
        return -1;
    }
    return 0;
}

/* The next line on fd, without its newline, as a new string; NULL at a clean
 * end of the stream (errno 0) or on an error (errno set; EIO: a cut line). */
static char *read_line(int fd)
{
    size_t len = 0, cap = 64;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    for (;;) {
        char c;
        int rc = read_all(fd, &c, 1);
        if (rc <= 0) {
            free(s);
            errno = rc == 0 ? (len ? EIO : 0) : errno;
            return NULL;
        }
        if (c == '\n')
            break;
        if (len + 1 == cap) {
            char *bigger = realloc(s, cap *= 2);
            if (!bigger) {
                free(s);
                return NULL;
            }
            s = bigger;
        }
        s[len++] = c;
    }
    s[len] = '\0';
    return s;
}

/* Reads the next record from fd into *rec. Returns 1 for a record, 0 at a
 * clean end of the stream, -1 with errno set otherwise. */
static int read_record(int fd, struct record *rec)
{
    errno = 0;
    char *line = read_line(fd);
    if (!line)
        return errno ? -1 : 0;
    char *end, *tab = strchr(line, '\t');
    long long seq = strtoll(line, &end, 10);
    long level = strtol(end, &end, 10);
    if (!tab || *end != ' ' || end > tab) {
        free(line);
        errno = EIO;
        return -1;
    }
    *tab = '\0';
    rec->seq = seq;
    rec->level = (int32_t)level;
    rec->name = strdup(end + 1);
    rec->message = strdup(tab + 1);
    free(line);
    if (!rec->name || !rec->message) {
        free(rec->name);
        free(rec->message);
        return -1;
    }
    return 1;
}

/* Reads records from fd until the end of the stream, appending to *list.
 * 0, or -1 with errno set. */
static int receive(int fd, struct record_list *list)
{
    size_t capacity = 0;
    for (;;) {
        struct record rec;
        int rc = read_record(fd, &rec);
        if (rc <= 0)
            return rc;
        if (list->count == capacity) {
            size_t bigger = capacity ? 2 * capacity : 16;
            struct record *grown = realloc(list->records, bigger * sizeof *grown);
            if (!grown) {
                free(rec.name);
                free(rec.message);
                return -1;
            }
            list->records = grown;
            capacity = bigger;
        }
        list->records[list->count++] = rec;
    }
}

/* Waits for pid, retrying EINTR; true if it exited with status 0. */
static bool reap(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return false;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* The worker's whole life: run the source, report how it went. Never returns. */
_Noreturn static void worker(int fd, record_source source, void *arg)
{
    struct record_sender out = {.fd = fd, .failed = false};
    int rc = source(&out, arg);
    /* _exit, not exit or return: the worker is a copy of the caller, and must
     * not run the caller's atexit handlers, flush its stdio buffers a second
     * time, or carry on with the caller's code. */
    _exit(rc == 0 && !out.failed ? 0 : 1);
}

int records_collect(record_source source, void *arg, struct record_list *list)
{
    int fds[2];
    *list = (struct record_list){NULL, 0};
    if (pipe(fds) < 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        int err = errno;
        close(fds[0]);
        close(fds[1]);
        errno = err;
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        worker(fds[1], source, arg);
    }

    close(fds[1]); /* or read() never sees end-of-file */
    int err = receive(fds[0], list) < 0 ? errno : 0;
    close(fds[0]); /* a worker still writing now gets EPIPE and fails */
    if (!reap(pid) && !err)
        err = EIO;
    if (err) {
        records_free(list);
        errno = err;
        return -1;
    }
    return 0;
}

void records_free(struct record_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        free(list->records[i].name);
        free(list->records[i].message);
    }
    free(list->records);
    *list = (struct record_list){NULL, 0};
}
