/*
 * records.c - reference solution for 13-records (instructor only).
 *
 * A pointer is an address in one process's memory; the parent's memory at
 * that address holds something else entirely, or nothing at all. So the
 * worker must send the bytes a record consists of, not the struct that
 * points to them. The format, per record, all integers big-endian:
 *
 *   offset  size  field
 *        0     8  seq, as two's complement
 *        8     4  level, as two's complement
 *       12     4  length of name in bytes (at most RECORD_MAX_TEXT)
 *       16     4  length of message in bytes (at most RECORD_MAX_TEXT)
 *       20     -  the name's bytes, then the message's bytes (no NULs)
 *
 * Why this format:
 *   - lengths first, then bytes: the reader knows exactly how much to read
 *     and how much to allocate, and a message may contain any byte but NUL,
 *     newlines included, so no separator character would be safe;
 *   - a stated byte order makes the bytes mean the same thing to any reader,
 *     rather than depending on two processes sharing one struct layout;
 *   - the reader can check a length before trusting it: a length above
 *     RECORD_MAX_TEXT means the stream is corrupt, not a reason to allocate
 *     4 GB.
 *
 * The stream ends when the worker exits and the pipe's last write end is
 * closed: end-of-file exactly at a record boundary is a clean end, anywhere
 * else the worker died mid-record. The parent closes its own write end
 * right after forking, or end-of-file would never come.
 *
 * Pipes move bytes, not messages: a read() may return part of a record, and
 * part of a long message may be written by one write() call and the rest by
 * the next. read() and write() can also fail with EINTR when a signal
 * arrives, as can waitpid(). The helpers below loop until all is done.
 * The parent reads while the worker writes: waiting for the worker first
 * would deadlock as soon as the records fill the pipe's buffer (64 kB).
 */
#include "records.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define HEADER_SIZE 20 /* seq (8), level (4), name length (4), message length (4) */

struct record_sender {
    int fd;      /* write end of the pipe to the parent */
    bool failed; /* a send failed: the worker must report failure */
};

/* Stores v in n bytes at p, most significant byte first. */
static void put_be(unsigned char *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)(v & 0xff);
}

/* The n-byte big-endian number at p. */
static uint64_t get_be(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

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
    unsigned char header[HEADER_SIZE];
    put_be(header, (uint64_t)rec->seq, 8);
    put_be(header + 8, (uint32_t)rec->level, 4);
    put_be(header + 12, name_len, 4);
    put_be(header + 16, message_len, 4);
    if (write_all(out->fd, header, sizeof header) < 0 ||
        write_all(out->fd, rec->name, name_len) < 0 ||
        write_all(out->fd, rec->message, message_len) < 0) {
        out->failed = true;
        return -1;
    }
    return 0;
}

/* A new NUL-terminated string of the next len bytes on fd; NULL with errno
 * set when they could not be read (EIO: the stream ended) or stored. */
static char *read_text(int fd, size_t len)
{
    char *s = malloc(len + 1);
    if (!s)
        return NULL;
    int rc = len ? read_all(fd, s, len) : 1;
    if (rc != 1) {
        if (rc == 0)
            errno = EIO;
        free(s);
        return NULL;
    }
    s[len] = '\0';
    return s;
}

/* Reads the next record from fd into *rec. Returns 1 for a record, 0 at a
 * clean end of the stream, -1 with errno set otherwise. */
static int read_record(int fd, struct record *rec)
{
    unsigned char header[HEADER_SIZE];
    int rc = read_all(fd, header, sizeof header);
    if (rc <= 0)
        return rc;
    uint64_t name_len = get_be(header + 12, 4), message_len = get_be(header + 16, 4);
    if (name_len > RECORD_MAX_TEXT || message_len > RECORD_MAX_TEXT) {
        errno = EIO; /* not a length any worker would send: the stream is corrupt */
        return -1;
    }
    rec->seq = (int64_t)get_be(header, 8);
    rec->level = (int32_t)(uint32_t)get_be(header + 8, 4);
    rec->name = read_text(fd, (size_t)name_len);
    rec->message = rec->name ? read_text(fd, (size_t)message_len) : NULL;
    if (!rec->message) {
        free(rec->name);
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
