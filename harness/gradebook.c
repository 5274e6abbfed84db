/*
 * gradebook.c - gradebook rows and their CSV file (see gradebook.h).
 *
 * The reader is a small state machine over bytes (getc), not a line
 * reader: a quoted field may hold line breaks, and no line of the file is
 * ever held whole, so a huge line costs at most GRADEBOOK_FIELD_MAX bytes
 * before it is refused.
 */
#include "gradebook.h"

#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NFIELDS_MAX 6 /* student, lab, check, points, max_points, note */

static const char *const header_fields[NFIELDS_MAX] = {"student", "lab",        "check",
                                                       "points",  "max_points", "note"};

void gradebook_add(gradebook *g, const char *student, const char *lab, const char *check,
                   double points, double max_points, const char *note)
{
    if (g->n == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 64;
        g->rows = xrealloc(g->rows, g->cap * sizeof *g->rows);
    }
    g->rows[g->n++] = (gradebook_row){.student = xstrdup(student),
                                      .lab = xstrdup(lab),
                                      .check = xstrdup(check),
                                      .points = points,
                                      .max_points = max_points,
                                      .note = xstrdup(note ? note : "")};
}

bool gradebook_is_total(const gradebook_row *r)
{
    return strcmp(r->lab, GRADEBOOK_TOTAL_LAB) == 0 && r->check[0] == '\0';
}

void gradebook_free(gradebook *g)
{
    for (size_t i = 0; i < g->n; i++) {
        free(g->rows[i].student);
        free(g->rows[i].lab);
        free(g->rows[i].check);
        free(g->rows[i].note);
    }
    free(g->rows);
    memset(g, 0, sizeof *g);
}

/* --- writing --- */

static bool formula_start(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' || c == '\'';
}

void gradebook_csv_field(strbuf *sb, const char *field, bool text)
{
    size_t len = strlen(field);
    bool guard = text && formula_start(field[0]);
    bool quote = strpbrk(field, ",\"\r\n") != NULL ||
                 (len && (field[0] == ' ' || field[len - 1] == ' ' || field[len - 1] == '\t'));
    if (quote)
        sb_append(sb, "\"");
    if (guard)
        sb_append(sb, "'");
    for (const char *p = field; *p; p++) {
        if (*p == '"')
            sb_append(sb, "\"\"");
        else
            sb_appendn(sb, p, 1);
    }
    if (quote)
        sb_append(sb, "\"");
}

static void number_field(strbuf *sb, double v)
{
    sb_printf(sb, "%.10g", v);
}

rl_status gradebook_write(const gradebook *g, FILE *out, rl_err *err)
{
    strbuf sb;
    sb_init(&sb);
    sb_append(&sb, GRADEBOOK_HEADER "\n");
    for (size_t i = 0; i < g->n; i++) {
        const gradebook_row *r = &g->rows[i];
        gradebook_csv_field(&sb, r->student, true);
        sb_append(&sb, ",");
        gradebook_csv_field(&sb, r->lab, true);
        sb_append(&sb, ",");
        gradebook_csv_field(&sb, r->check, true);
        sb_append(&sb, ",");
        number_field(&sb, r->points);
        sb_append(&sb, ",");
        number_field(&sb, r->max_points);
        sb_append(&sb, ",");
        gradebook_csv_field(&sb, r->note, true);
        sb_append(&sb, "\n");
    }
    bool ok = fwrite(sb.data, 1, sb.len, out) == sb.len && fflush(out) == 0;
    sb_free(&sb);
    return ok ? RL_OK : rl_fail(err, RL_ERR_IO, "cannot write the gradebook: %s", strerror(errno));
}

rl_status gradebook_write_file(const gradebook *g, const char *path, rl_err *err)
{
    char *tmp = xasprintf("%s.partial", path);
    FILE *f = fopen(tmp, "w");
    rl_status st = RL_OK;
    if (!f) {
        st = rl_fail(err, RL_ERR_IO, "%s: cannot write: %s", tmp, strerror(errno));
    } else {
        st = gradebook_write(g, f, err);
        if (fclose(f) != 0 && st == RL_OK)
            st = rl_fail(err, RL_ERR_IO, "%s: cannot write: %s", tmp, strerror(errno));
        if (st == RL_OK && rename(tmp, path) != 0)
            st = rl_fail(err, RL_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
        if (st != RL_OK)
            unlink(tmp);
    }
    free(tmp);
    return st;
}

/* --- reading --- */

typedef struct {
    FILE *in;
    const char *name;
    size_t line; /* the line the reader is on, from 1 */
    strbuf fields[NFIELDS_MAX];
    size_t nfields;
    size_t record_line; /* the line the current record started on */
} csv_reader;

typedef enum { RECORD, END, BAD } record_status;

static record_status bad(csv_reader *c, rl_err *err, const char *what)
{
    rl_fail(err, RL_ERR_USAGE, "%s:%zu: %s", c->name, c->line, what);
    return BAD;
}

/* Appends byte ch to the field being read, within the size cap. */
static bool field_put(csv_reader *c, int ch, rl_err *err)
{
    strbuf *f = &c->fields[c->nfields];
    if (ch == '\0') {
        bad(c, err, "a NUL byte: this is not a text file");
        return false;
    }
    if (f->len >= GRADEBOOK_FIELD_MAX) {
        char msg[128];
        snprintf(msg, sizeof msg, "a field longer than %d bytes: not a racelab gradebook",
                 GRADEBOOK_FIELD_MAX);
        bad(c, err, msg);
        return false;
    }
    char b = (char)ch;
    sb_appendn(f, &b, 1);
    return true;
}

/* Reads a quoted field (the opening quote already read); returns the byte
 * after the closing quote, or -2 on error. */
static int quoted_field(csv_reader *c, rl_err *err)
{
    size_t opened = c->line;
    for (;;) {
        int ch = getc(c->in);
        if (ch == EOF) {
            char msg[96];
            snprintf(msg, sizeof msg, "a quoted field opened on line %zu never ends", opened);
            bad(c, err, msg);
            return -2;
        }
        if (ch == '"') {
            int next = getc(c->in);
            if (next != '"')
                return next;
        } else if (ch == '\n') {
            c->line++;
        }
        if (!field_put(c, ch, err))
            return -2;
    }
}

/* Reads one record into c->fields; blank lines are skipped. */
static record_status read_record(csv_reader *c, rl_err *err)
{
    for (;;) {
        for (size_t i = 0; i < NFIELDS_MAX; i++) {
            sb_free(&c->fields[i]);
            sb_init(&c->fields[i]);
        }
        c->nfields = 0;
        c->record_line = c->line;
        int ch = getc(c->in);
        if (ch == EOF)
            return END;
        bool blank = true;
        for (;;) {
            if (ch == '"') {
                blank = false;
                ch = quoted_field(c, err);
                if (ch == -2)
                    return BAD;
                if (ch != ',' && ch != '\n' && ch != '\r' && ch != EOF)
                    return bad(c, err,
                               "text after a closing quote; a quote inside a field is "
                               "written as two quotes (\"\")");
            } else {
                while (ch != ',' && ch != '\n' && ch != '\r' && ch != EOF) {
                    if (ch == '"')
                        return bad(c, err,
                                   "a quote inside an unquoted field; quote the whole "
                                   "field and write the quote as two (\"\")");
                    if (!field_put(c, ch, err))
                        return BAD;
                    blank = false;
                    ch = getc(c->in);
                }
            }
            c->nfields++;
            if (ch != ',')
                break;
            blank = false;
            if (c->nfields == NFIELDS_MAX)
                return bad(c, err, "more than 6 fields; expected " GRADEBOOK_HEADER);
            ch = getc(c->in);
        }
        if (ch == '\r') {
            int next = getc(c->in);
            if (next != '\n' && next != EOF)
                ungetc(next, c->in);
        }
        if (ch != EOF)
            c->line++;
        if (!blank)
            return RECORD;
    }
}

static bool parse_points(const char *s, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !isfinite(v) || fabs(v) > 1e12)
        return false;
    *out = v;
    return true;
}

/* A text field as written: one leading ' (the formula guard) taken off. */
static const char *text_field(const strbuf *f)
{
    return f->data[0] == '\'' ? f->data + 1 : f->data;
}

static bool header_ok(const csv_reader *c)
{
    if (c->nfields < 5)
        return false;
    for (size_t i = 0; i < c->nfields; i++)
        if (strcmp(c->fields[i].data, header_fields[i]) != 0)
            return false;
    return true;
}

int gradebook_row_compare(const gradebook_row *a, const gradebook_row *b)
{
    int d = strcmp(a->student, b->student);
    if (!d)
        d = strcmp(a->lab, b->lab);
    if (!d)
        d = strcmp(a->check, b->check);
    return d;
}

static int compare_row_ptrs(const void *x, const void *y)
{
    const gradebook_row *a = *(const gradebook_row *const *)x,
                        *b = *(const gradebook_row *const *)y;
    int d = gradebook_row_compare(a, b);
    return d ? d : (a->line > b->line) - (a->line < b->line);
}

/* Fails when rows from..g->n hold two rows for the same student, lab and check. */
static rl_status check_unique(const gradebook *g, size_t from, const char *name, rl_err *err)
{
    size_t n = g->n - from;
    const gradebook_row **sorted = xcalloc(n + 1, sizeof *sorted);
    for (size_t i = 0; i < n; i++)
        sorted[i] = &g->rows[from + i];
    qsort(sorted, n, sizeof *sorted, compare_row_ptrs);
    rl_status st = RL_OK;
    for (size_t i = 1; i < n && st == RL_OK; i++) {
        if (gradebook_row_compare(sorted[i - 1], sorted[i]) != 0)
            continue;
        char *who = gradebook_display(sorted[i]->student);
        char *lab = gradebook_display(sorted[i]->lab);
        char *check = gradebook_display(sorted[i]->check);
        st = rl_fail(err, RL_ERR_USAGE,
                     "%s:%zu: a second row for student %s, lab %s, check %s (the first is on "
                     "line %zu)",
                     name, sorted[i]->line, who, lab, *check ? check : "(none)",
                     sorted[i - 1]->line);
        free(who);
        free(lab);
        free(check);
    }
    free(sorted);
    return st;
}

/* Turns the record in c into a row of g, or says what is wrong with it. */
static rl_status add_record(csv_reader *c, size_t nheader, gradebook *g, rl_err *err)
{
    if (c->nfields != nheader)
        return rl_fail(err, RL_ERR_USAGE, "%s:%zu: %zu fields, expected %zu (%s)", c->name,
                       c->record_line, c->nfields, nheader, GRADEBOOK_HEADER);
    double points = 0, max_points = 0;
    for (int k = 3; k <= 4; k++) {
        if (!parse_points(c->fields[k].data, k == 3 ? &points : &max_points)) {
            char *shown = gradebook_display(c->fields[k].data);
            rl_status st = rl_fail(err, RL_ERR_USAGE, "%s:%zu: %s is '%s', not a number", c->name,
                                   c->record_line, header_fields[k], shown);
            free(shown);
            return st;
        }
    }
    gradebook_add(g, text_field(&c->fields[0]), text_field(&c->fields[1]),
                  text_field(&c->fields[2]), points, max_points,
                  nheader > 5 ? text_field(&c->fields[5]) : "");
    g->rows[g->n - 1].line = c->record_line;
    return RL_OK;
}

rl_status gradebook_read(FILE *in, const char *name, gradebook *g, rl_err *err)
{
    csv_reader c = {.in = in, .name = name, .line = 1};
    for (size_t i = 0; i < NFIELDS_MAX; i++)
        sb_init(&c.fields[i]);
    size_t before = g->n;
    rl_status st = RL_OK;
    /* a spreadsheet may have saved the file with a UTF-8 byte order mark */
    int b0 = getc(in);
    if (b0 == 0xEF) {
        int b1 = getc(in), b2 = getc(in);
        if (b1 != 0xBB || b2 != 0xBF)
            st = rl_fail(err, RL_ERR_USAGE,
                         "%s:1: not a racelab gradebook (expected the header "
                         "%s)",
                         name, GRADEBOOK_HEADER);
    } else if (b0 != EOF) {
        ungetc(b0, in);
    }
    record_status rs = st == RL_OK ? read_record(&c, err) : BAD;
    size_t nheader = c.nfields;
    if (rs == END)
        st = rl_fail(err, RL_ERR_USAGE, "%s: empty: not a racelab gradebook (no header line %s)",
                     name, GRADEBOOK_HEADER);
    else if (rs == BAD)
        st = RL_ERR_USAGE;
    else if (!header_ok(&c))
        st = rl_fail(err, RL_ERR_USAGE, "%s:%zu: not a racelab gradebook (expected the header %s)",
                     name, c.record_line, GRADEBOOK_HEADER);
    while (st == RL_OK && (rs = read_record(&c, err)) == RECORD) {
        if (g->n - before >= GRADEBOOK_ROWS_MAX)
            st = rl_fail(err, RL_ERR_USAGE, "%s:%zu: more than %d rows: not a racelab gradebook",
                         name, c.record_line, GRADEBOOK_ROWS_MAX);
        else
            st = add_record(&c, nheader, g, err);
    }
    if (st == RL_OK && rs == BAD)
        st = RL_ERR_USAGE;
    if (st == RL_OK && ferror(in))
        st = rl_fail(err, RL_ERR_IO, "%s: cannot read: %s", name, strerror(errno));
    if (st == RL_OK)
        st = check_unique(g, before, name, err);
    if (st != RL_OK) {
        /* give back what this file added */
        for (size_t i = before; i < g->n; i++) {
            free(g->rows[i].student);
            free(g->rows[i].lab);
            free(g->rows[i].check);
            free(g->rows[i].note);
        }
        g->n = before;
    }
    for (size_t i = 0; i < NFIELDS_MAX; i++)
        sb_free(&c.fields[i]);
    return st;
}

rl_status gradebook_read_file(const char *path, gradebook *g, rl_err *err)
{
    if (path_is_dir(path))
        return rl_fail(err, RL_ERR_USAGE, "%s: is a folder, not a gradebook CSV file", path);
    FILE *f = fopen(path, "rb");
    if (!f)
        return rl_fail(err, RL_ERR_USAGE, "%s: cannot read: %s", path, strerror(errno));
    rl_status st = gradebook_read(f, path, g, err);
    fclose(f);
    return st;
}

char *gradebook_display(const char *s)
{
    char *clean = report_clean_text(s, 4096);
    strbuf sb;
    sb_init(&sb);
    size_t shown = 0;
    for (const unsigned char *p = (const unsigned char *)clean; *p; p++) {
        /* stop at a character boundary once 120 bytes are out */
        if (shown >= 120 && (*p & 0xC0) != 0x80) {
            sb_append(&sb, "...");
            break;
        }
        if (*p < 0x20 || *p == 0x7f)
            sb_append(&sb, "?");
        else
            sb_appendn(&sb, (const char *)p, 1);
        shown++;
    }
    free(clean);
    return sb_take(&sb);
}
