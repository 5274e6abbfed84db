/*
 * records.h - log records from a worker process (fixed: do not change this file).
 *
 * The log collector parses untrusted log files in a separate worker process:
 * if a malformed file crashes the parser, only the worker dies, and the
 * collector carries on. records_collect() forks the worker, which runs a
 * record source (the parser) that hands each record it produces to
 * records_send(). The records travel to the parent through a pipe, and the
 * parent rebuilds them in its own memory, in the order they were sent.
 *
 * A record holds two strings of any length, so it does not fit in a fixed
 * number of bytes, and its pointers are addresses in the process that made
 * them: meaningless anywhere else. What travels through the pipe is up to
 * records.c; the API below only promises that every record arrives intact.
 *
 * Ownership: a record_source and records_send() run in the worker process
 * only; records_send() copies what it needs and keeps no pointer to the
 * record. records_collect() fills in a record_list whose array and strings
 * are new allocations in the calling process, owned by the caller, who
 * releases all of them with records_free(). records_collect() leaves no
 * trace in the calling process: no child process (running or zombie) and
 * no open file descriptor it created.
 */
#ifndef RECORDS_H
#define RECORDS_H

#include <stddef.h>
#include <stdint.h>

#define RECORD_MAX_TEXT (1 << 20) /* longest name or message, in bytes (without the NUL) */

/* One log entry. */
struct record {
    int64_t seq;   /* sequence number: any value */
    int32_t level; /* severity: any value (0 = debug ... 7 = emergency by convention) */
    char *name;    /* who logged it: a NUL-terminated string, possibly empty, never NULL */
    char *message; /* what happened: a NUL-terminated string of any bytes except NUL
                    * (newlines, tabs, UTF-8 included), possibly empty, never NULL */
};

/* Records as the parent received them. */
struct record_list {
    struct record *records; /* count records in the order they were sent (NULL when none) */
    size_t count;
};

/* The worker's end of the channel to the parent; its contents are up to records.c. */
struct record_sender;

/* A record source: runs in the worker process, calls records_send(out, ...)
 * once per record, and returns 0 when it produced every record, nonzero when
 * it failed. */
typedef int (*record_source)(struct record_sender *out, void *arg);

/* Sends one record to the parent. Both strings must be at most
 * RECORD_MAX_TEXT bytes long. Returns 0, or -1 with errno set when the
 * record could not be sent (EINVAL: a string too long). */
int records_send(struct record_sender *out, const struct record *rec);

/*
 * Forks a worker process that runs source(out, arg) and then exits.
 * Meanwhile the parent receives the records into *list. Returns 0
 * once every record arrived and the worker has exited successfully (its
 * source returned 0 and every records_send() succeeded). Otherwise returns
 * -1 with errno set and *list empty ({NULL, 0}): EIO if the worker failed,
 * was killed, or sent something that is not a whole number of records; the
 * errno of a failed pipe() or fork() otherwise. In every case the worker has
 * been waited for before the call returns.
 */
int records_collect(record_source source, void *arg, struct record_list *list);

/* Frees the array and every string in *list, and leaves it empty ({NULL, 0}). */
void records_free(struct record_list *list);

#endif
