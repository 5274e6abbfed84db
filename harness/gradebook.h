/*
 * gradebook.h - a class's grades as rows (student, lab, check, points,
 * max_points, note) and the CSV file they are kept in: written by `racelab
 * grade-all`, read back by `racelab regrade-diff` (gradebook_diff.h).
 *
 * One row per check of every graded lab, then one total row per student
 * (lab "total", check ""). The note says why a lab was not graded (files
 * missing, archive refused, no compile) and is empty otherwise.
 *
 * The file is RFC 4180 CSV with the header line GRADEBOOK_HEADER: a field is
 * quoted when it holds a comma, a quote (doubled), a line break or leading
 * or trailing blanks. Student names are folder names chosen by students, so
 * nothing in them is trusted:
 *   - a text field a spreadsheet would run as a formula (one starting with
 *     = + - @, a tab or a carriage return) is written with a leading ', and
 *     so is one that starts with ' itself; the reader takes one leading '
 *     off again, so every name reads back exactly as it was written;
 *   - the reader refuses, naming the file and line, whatever it could
 *     misread: a field over GRADEBOOK_FIELD_MAX bytes, more than
 *     GRADEBOOK_ROWS_MAX rows, an unterminated or stray quote, a NUL byte, a
 *     missing header, a row with another number of fields, points that are
 *     not numbers, and a second row for the same student, lab and check.
 *
 * Ownership: a gradebook owns its rows and their strings; release it with
 * gradebook_free(). Strings returned by gradebook_display() are the
 * caller's.
 */
#ifndef RL_GRADEBOOK_H
#define RL_GRADEBOOK_H

#include "rl.h"
#include "util.h"

#include <stdbool.h>
#include <stdio.h>

#define GRADEBOOK_HEADER "student,lab,check,points,max_points,note"
#define GRADEBOOK_TOTAL_LAB "total"     /* the lab field of a student's total row */
#define GRADEBOOK_FIELD_MAX (64 * 1024) /* bytes in one field */
#define GRADEBOOK_ROWS_MAX 1000000      /* rows in one file */

typedef struct {
    char *student;
    char *lab;   /* lab id, or GRADEBOOK_TOTAL_LAB */
    char *check; /* check id, "" on a total row */
    double points;
    double max_points;
    char *note;  /* why the lab was not graded, "" when it was */
    size_t line; /* line of the file the row starts on, 0 when not read from one */
} gradebook_row;

typedef struct {
    gradebook_row *rows;
    size_t n;
    size_t cap;
} gradebook;

/* Appends a row (the strings are copied; note may be NULL). */
void gradebook_add(gradebook *g, const char *student, const char *lab, const char *check,
                   double points, double max_points, const char *note);

/* True for a student's total row. */
bool gradebook_is_total(const gradebook_row *r);

/* Writes the header and every row, in order, as CSV. */
rl_status gradebook_write(const gradebook *g, FILE *out, rl_err *err);

/* Writes g to path through a temporary file renamed into place, so a reader
 * never sees half a gradebook. */
rl_status gradebook_write_file(const gradebook *g, const char *path, rl_err *err);

/* Appends one field as it goes into the CSV: quoted where needed, with the
 * formula guard when text is set (text fields; not numbers). */
void gradebook_csv_field(strbuf *sb, const char *field, bool text);

/* Reads a gradebook written by gradebook_write from in, appending its rows
 * to g. name is the file's name for messages ("old.csv:12: ..."). On
 * failure err holds one line naming the file and the line, and g keeps
 * whatever it had before. */
rl_status gradebook_read(FILE *in, const char *name, gradebook *g, rl_err *err);

/* gradebook_read of the file at path. */
rl_status gradebook_read_file(const char *path, gradebook *g, rl_err *err);

void gradebook_free(gradebook *g);

/* Orders rows by student, then lab, then check (strcmp order); 0 for the
 * same student, lab and check. */
int gradebook_row_compare(const gradebook_row *a, const gradebook_row *b);

/* s made safe to print on one line of a terminal: valid UTF-8, every
 * control character shown as '?', at most 120 bytes (then "..."). New
 * string. */
char *gradebook_display(const char *s);

#endif
