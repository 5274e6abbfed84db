/*
 * report_source.c - quotes the student's own source lines (see
 * report_source.h).
 *
 * The file comes from a student, so it is read with care: opened without
 * following a link, only when it is a regular file of at most
 * SOURCE_FILE_MAX bytes, and not quoted at all when it holds a NUL byte (a
 * binary renamed bank.c). Each quoted line is cut at SOURCE_LINE_MAX bytes,
 * its tabs expanded, and cleaned like any student text (valid UTF-8, no
 * control characters), so a line cannot move the terminal's cursor.
 *
 * Naming the expression at a column is a heuristic on one line of C, not a
 * parser: TSan's column points at the operator of an assignment
 * (`acct->balance += cents` at `+=`) or at the member read (`balance`), so
 * the code walks left from an operator, or left and right from a name,
 * over `->`, `.`, `[...]` and a leading `*`. Whatever it cannot read as a
 * plain variable (a call, a keyword, nothing at all) yields NULL, and the
 * report falls back to ThreadSanitizer's own words.
 */
#include "report_source.h"

#include "report.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXPRESSION_MAX 80 /* bytes of a named expression */

/* The graded copy of the student's file `file`, whole, as a new
 * NUL-terminated buffer; NULL when it is not a student file or not safe
 * to quote. */
static char *load(const lab_result *lab, const char *file, size_t *len)
{
    const char *path = NULL;
    for (size_t i = 0; file && i < lab->lab.student_files.n && i < lab->sources.n; i++)
        if (strcmp(lab->lab.student_files.items[i], file) == 0)
            path = lab->sources.items[i];
    if (!path)
        return NULL;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    char *text = NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > SOURCE_FILE_MAX)
        goto fail;
    text = xmalloc((size_t)st.st_size + 1);
    size_t n = 0;
    while (n < (size_t)st.st_size) {
        ssize_t got = read(fd, text + n, (size_t)st.st_size - n);
        if (got <= 0)
            break; /* the file shrank: quote what is there */
        n += (size_t)got;
    }
    if (memchr(text, '\0', n))
        goto fail;
    text[n] = '\0';
    *len = n;
    close(fd);
    return text;
fail:
    free(text);
    close(fd);
    return NULL;
}

/* Points *start at line `line` (1-based) of text and returns its length
 * without the line break (and a \r before it); -1 when there is no such line. */
static long find_line(const char *text, size_t len, int line, const char **start)
{
    const char *p = text, *end = text + len;
    for (int n = 1; n < line; n++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return -1;
        p = nl + 1;
    }
    if (p == end && line > 1)
        return -1; /* the file ends with a line break: there is no line after it */
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    if (n > 0 && p[n - 1] == '\r')
        n--;
    *start = p;
    return (long)n;
}

/* One line as it is shown: tabs expanded to 4 columns, trailing spaces
 * dropped, cut at SOURCE_LINE_MAX bytes, cleaned. New string. */
static char *shown_line(const char *s, size_t n)
{
    strbuf sb;
    sb_init(&sb);
    bool cut = false;
    for (size_t i = 0; i < n; i++) {
        if (sb.len >= SOURCE_LINE_MAX) {
            cut = true;
            break;
        }
        if (s[i] == '\t')
            sb_append(&sb, "    ");
        else
            sb_appendn(&sb, &s[i], 1);
    }
    while (sb.len > 0 && sb.data[sb.len - 1] == ' ')
        sb.data[--sb.len] = '\0';
    if (cut)
        sb_append(&sb, " [...]");
    char *clean = report_clean_text(sb.data, SOURCE_LINE_MAX + 32);
    sb_free(&sb);
    return clean;
}

report_source_line *report_source_lines(const lab_result *lab, const char *file, int line,
                                        int around, size_t *n)
{
    size_t len = 0;
    char *text = line > 0 ? load(lab, file, &len) : NULL;
    const char *start;
    *n = 0;
    if (!text || find_line(text, len, line, &start) < 0) {
        free(text);
        return NULL;
    }
    int first = line - around > 1 ? line - around : 1;
    report_source_line *lines = xcalloc((size_t)(line + around - first + 1), sizeof *lines);
    for (int k = first; k <= line + around; k++) {
        long got = find_line(text, len, k, &start);
        if (got < 0)
            break;
        lines[(*n)++] = (report_source_line){
            .number = k, .text = shown_line(start, (size_t)got), .marked = k == line};
    }
    free(text);
    return lines;
}

void report_source_lines_free(report_source_line *lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(lines[i].text);
    free(lines);
}

bool report_source_context(strbuf *sb, const lab_result *lab, const char *file, int line,
                           int around, int indent)
{
    size_t n;
    report_source_line *lines = report_source_lines(lab, file, line, around, &n);
    if (!lines)
        return false;
    int width = snprintf(NULL, 0, "%d", line + around);
    for (size_t i = 0; i < n; i++)
        sb_printf(sb, "%*s%s %*d |%s%s\n", indent, "", lines[i].marked ? ">" : " ", width,
                  lines[i].number, *lines[i].text ? " " : "", lines[i].text);
    report_source_lines_free(lines, n);
    return true;
}

/* ---- naming the expression at a column ---- */

static bool ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

static bool operator_char(char c)
{
    return c && strchr("=+-*/%&|^<>!~", c) != NULL;
}

/* The index of the bracket matching the closing one at s[close] (']' or
 * ')'), searching left; -1 when unbalanced. */
static long match_left(const char *s, size_t close)
{
    char want = s[close] == ']' ? '[' : '(';
    int depth = 0;
    for (size_t i = close + 1; i-- > 0;) {
        if (s[i] == s[close])
            depth++;
        else if (s[i] == want && --depth == 0)
            return (long)i;
    }
    return -1;
}

/* The index past the bracket matching the opening one at s[open], searching
 * right; 0 when unbalanced. */
static size_t match_right(const char *s, size_t n, size_t open)
{
    char want = s[open] == '[' ? ']' : ')';
    int depth = 0;
    for (size_t i = open; i < n; i++) {
        if (s[i] == s[open])
            depth++;
        else if (s[i] == want && --depth == 0)
            return i + 1;
    }
    return 0;
}

/* Where the postfix expression ending right before `end` starts: names
 * joined by -> or ., [subscripts], a parenthesised group that is not a
 * call's arguments, and leading '*'s. Returns end when there is none. */
static size_t expression_start(const char *s, size_t end)
{
    size_t i = end, good = end; /* good: the start of the longest whole operand so far */
    for (;;) {
        bool grouped = false;
        while (!grouped && i > 0 && (s[i - 1] == ']' || s[i - 1] == ')')) {
            long open = match_left(s, i - 1);
            if (open < 0 || (s[i - 1] == ')' && open > 0 && ident_char(s[open - 1])))
                return end; /* unbalanced, or f(...)->y: part of a call's result */
            i = (size_t)open;
            grouped = s[i] == '('; /* (*c): the group is the whole operand */
        }
        if (!grouped) {
            size_t k = i;
            while (k > 0 && ident_char(s[k - 1]))
                k--;
            if (k == i)
                break;
            i = k;
        }
        good = i;
        if (i >= 2 && s[i - 2] == '-' && s[i - 1] == '>')
            i -= 2;
        else if (i >= 1 && s[i - 1] == '.')
            i -= 1;
        else
            break;
    }
    while (good > 0 && good < end && s[good - 1] == '*')
        good--;
    return good;
}

/* Where the postfix expression starting at the name at `start` ends. */
static size_t expression_end(const char *s, size_t n, size_t start)
{
    size_t i = start;
    while (i < n && ident_char(s[i]))
        i++;
    for (;;) {
        if (i < n && s[i] == '[') {
            size_t after = match_right(s, n, i);
            if (!after)
                return i;
            i = after;
        } else if (i + 2 < n && s[i] == '-' && s[i + 1] == '>' && ident_char(s[i + 2])) {
            for (i += 2; i < n && ident_char(s[i]); i++)
                ;
        } else if (i + 1 < n && s[i] == '.' &&
                   (isalpha((unsigned char)s[i + 1]) || s[i + 1] == '_')) {
            for (i += 1; i < n && ident_char(s[i]); i++)
                ;
        } else {
            return i;
        }
    }
}

static bool is_keyword(const char *s, size_t n)
{
    static const char *const words[] = {"return", "if",    "while",  "for",    "do",
                                        "switch", "case",  "sizeof", "else",   "goto",
                                        "break",  "const", "static", "struct", "volatile"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == n && strncmp(s, words[i], n) == 0)
            return true;
    return false;
}

/* s[b..e) as a variable's name, or NULL when it is not one. */
static char *accept(const char *s, size_t n, size_t b, size_t e)
{
    if (e <= b || e - b > EXPRESSION_MAX || is_keyword(s + b, e - b))
        return NULL;
    bool letter = false;
    for (size_t i = b; i < e; i++)
        letter = letter || isalpha((unsigned char)s[i]) || s[i] == '_';
    size_t after = e;
    while (after < n && s[after] == ' ')
        after++;
    if (!letter || (after < n && s[after] == '('))
        return NULL; /* a number, or a function's name */
    if (isdigit((unsigned char)s[b + strspn(s + b, "*(")]))
        return NULL;
    return xstrndup(s + b, e - b);
}

char *report_source_expression_in(const char *s, int col)
{
    size_t n = strlen(s);
    if (col <= 0 || (size_t)col > n)
        return NULL;
    size_t at = (size_t)col - 1;
    if (ident_char(s[at])) {
        size_t b = at;
        while (b > 0 && ident_char(s[b - 1]))
            b--;
        size_t e = expression_end(s, n, b);
        return accept(s, n, expression_start(s, e), e);
    }
    if (!operator_char(s[at]))
        return NULL;
    /* an assignment or increment: the operand on its left, else (++x) on its right */
    size_t i = at;
    while (i > 0 && operator_char(s[i - 1]))
        i--;
    while (i > 0 && s[i - 1] == ' ')
        i--;
    size_t b = expression_start(s, i);
    if (b < i)
        return accept(s, n, b, i);
    size_t r = at;
    while (r < n && (operator_char(s[r]) || s[r] == ' '))
        r++;
    if (r < n && ident_char(s[r]))
        return accept(s, n, r, expression_end(s, n, r));
    return NULL;
}

char *report_source_argument_in(const char *s, int col)
{
    size_t n = strlen(s);
    if (col <= 0 || (size_t)col > n)
        return NULL;
    size_t i = (size_t)col - 1;
    while (i < n && (ident_char(s[i]) || s[i] == ' '))
        i++;
    if (i >= n || s[i] != '(' || i == (size_t)col - 1)
        return NULL; /* no name( at the column: not a call */
    size_t close = match_right(s, n, i);
    if (!close)
        return NULL;
    size_t b = i + 1, e = b;
    for (int depth = 0; e < close - 1 && !(depth == 0 && s[e] == ','); e++)
        depth += (s[e] == '(' || s[e] == '[') - (s[e] == ')' || s[e] == ']');
    while (b < e && (s[b] == ' ' || s[b] == '&'))
        b++;
    while (e > b && s[e - 1] == ' ')
        e--;
    if (e <= b || e - b > EXPRESSION_MAX)
        return NULL;
    return xstrndup(s + b, e - b);
}

/* Runs find (an _in function) on line `line` of the student's file. */
static char *on_line(const lab_result *lab, const char *file, int line, int col,
                     char *(*find)(const char *, int))
{
    size_t len = 0;
    char *text = line > 0 && col > 0 ? load(lab, file, &len) : NULL;
    const char *start;
    long k = text ? find_line(text, len, line, &start) : -1;
    char *found = NULL;
    if (k >= 0 && k <= 4096) {
        char *one = xstrndup(start, (size_t)k);
        found = find(one, col);
        free(one);
    }
    free(text);
    if (!found)
        return NULL;
    char *clean = report_clean_text(found, EXPRESSION_MAX + 8);
    free(found);
    return clean;
}

char *report_source_expression(const lab_result *lab, const char *file, int line, int col)
{
    return on_line(lab, file, line, col, report_source_expression_in);
}

char *report_source_argument(const lab_result *lab, const char *file, int line, int col)
{
    return on_line(lab, file, line, col, report_source_argument_in);
}
