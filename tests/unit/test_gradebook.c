/*
 * test_gradebook.c - the gradebook CSV and regrade-diff: hostile student
 * names (commas, quotes, line breaks, spreadsheet formulas, invalid UTF-8,
 * 60 KiB) read back exactly as written; the reader refuses what it could
 * misread (unterminated or stray quotes, NUL bytes, huge fields, wrong
 * headers and field counts, bad numbers, duplicate rows) with the file and
 * the line; the diff lists exactly the students and checks that changed.
 */
#include "gradebook.h"
#include "gradebook_diff.h"
#include "util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Reads CSV text as if it were the file "book.csv"; returns the status. */
static rl_status read_text(const char *text, size_t len, gradebook *g, rl_err *err)
{
    FILE *f = fmemopen((void *)text, len, "rb");
    assert_non_null(f);
    rl_status st = gradebook_read(f, "book.csv", g, err);
    fclose(f);
    return st;
}

static char *write_text(const gradebook *g)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    rl_err err = {{0}};
    assert_int_equal(gradebook_write(g, f, &err), RL_OK);
    fclose(f);
    return buf;
}

/* Expects the text to be refused with a message holding each of the parts. */
static void expect_refused(const char *text, size_t len, const char *part1, const char *part2)
{
    gradebook g = {0};
    gradebook_add(&g, "kept", "01-x", "c", 1, 2, NULL);
    rl_err err = {{0}};
    assert_int_not_equal(read_text(text, len, &g, &err), RL_OK);
    if (!strstr(err.msg, part1) || (part2 && !strstr(err.msg, part2)))
        fail_msg("message '%s' lacks '%s' / '%s'", err.msg, part1, part2 ? part2 : "");
    assert_int_equal(g.n, 1); /* what g held before is untouched */
    assert_string_equal(g.rows[0].student, "kept");
    gradebook_free(&g);
}

static void hostile_names_round_trip(void **state)
{
    (void)state;
    char *huge = xcalloc(60 * 1024 + 1, 1);
    memset(huge, 'h', 60 * 1024);
    huge[100] = ',';
    huge[200] = '"';
    huge[300] = '\n';
    const char *names[] = {"alice",
                           "bob,smith",
                           "quo\"ted\"",
                           "two\nlines",
                           "carriage\rreturn",
                           "crlf\r\n",
                           "=HYPERLINK(\"http://evil\",\"x\")",
                           "+1",
                           "-2+3",
                           "@SUM(A1)",
                           "\tTAB",
                           "'tick",
                           "''two ticks",
                           " leading space",
                           "trailing space ",
                           "",
                           "\xc3\xbcnicode \xe2\x86\x92",
                           "bad utf8 \xff\xfe",
                           "\x1b[31mred\x1b[0m",
                           huge};
    size_t n = sizeof names / sizeof names[0];
    gradebook g = {0};
    for (size_t i = 0; i < n; i++)
        gradebook_add(&g, names[i], "01-bank", "race-free", (double)i, 50.5, names[(i + 3) % n]);
    gradebook_add(&g, "=cmd|' /C calc'!A0", GRADEBOOK_TOTAL_LAB, "", 33.25, 100, "");
    char *csv = write_text(&g);
    assert_non_null(strstr(csv, "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""));
    assert_non_null(strstr(csv, "\n'@SUM(A1),"));
    assert_null(strstr(csv, "\n=")); /* no cell starts a formula */
    assert_null(strstr(csv, "\n+"));
    assert_null(strstr(csv, "\n@"));
    gradebook back = {0};
    rl_err err = {{0}};
    assert_int_equal(read_text(csv, strlen(csv), &back, &err), RL_OK);
    assert_int_equal(back.n, g.n);
    for (size_t i = 0; i < g.n; i++) {
        assert_string_equal(back.rows[i].student, g.rows[i].student);
        assert_string_equal(back.rows[i].lab, g.rows[i].lab);
        assert_string_equal(back.rows[i].check, g.rows[i].check);
        assert_string_equal(back.rows[i].note, g.rows[i].note);
        assert_true(back.rows[i].points == g.rows[i].points);
        assert_true(back.rows[i].max_points == g.rows[i].max_points);
    }
    assert_true(gradebook_is_total(&back.rows[g.n - 1]));
    free(csv);
    free(huge);
    gradebook_free(&g);
    gradebook_free(&back);
}

static void line_endings_blank_lines_and_bom_are_read(void **state)
{
    (void)state;
    const char text[] = "\xef\xbb\xbfstudent,lab,check,points,max_points,note\r\n"
                        "\r\n"
                        "a,01-x,c,1,2,\r\n"
                        "\n"
                        "\"b\r\nc\",01-x,c,3,4,\"n\"\"q\"\r\n"
                        "d,01-x,c,5,6,last line without a break";
    gradebook g = {0};
    rl_err err = {{0}};
    assert_int_equal(read_text(text, sizeof text - 1, &g, &err), RL_OK);
    assert_int_equal(g.n, 3);
    assert_string_equal(g.rows[1].student, "b\r\nc");
    assert_string_equal(g.rows[1].note, "n\"q");
    assert_int_equal(g.rows[1].line, 5);
    assert_int_equal(g.rows[2].line, 7); /* the quoted field spanned a line break */
    assert_string_equal(g.rows[2].note, "last line without a break");
    gradebook_free(&g);

    /* five columns (no note) are a gradebook too */
    const char five[] = "student,lab,check,points,max_points\nz,01-x,c,1.5,2\n";
    assert_int_equal(read_text(five, sizeof five - 1, &g, &err), RL_OK);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.rows[0].note, "");
    gradebook_free(&g);
}

#define HEADER GRADEBOOK_HEADER "\n"

static void malformed_files_are_refused_with_file_and_line(void **state)
{
    (void)state;
    const char unterminated[] = HEADER "a,01-x,c,1,2,\n\"b,01-x,c,1,2,\nmore\n";
    expect_refused(unterminated, sizeof unterminated - 1, "book.csv:", "opened on line 3");
    const char stray[] = HEADER "a,01-x,c,1,2,\nb\"ob,01-x,c,1,2,\n";
    expect_refused(stray, sizeof stray - 1, "book.csv:3:", "quote inside an unquoted field");
    const char after[] = HEADER "\"bob\"x,01-x,c,1,2,\n";
    expect_refused(after, sizeof after - 1, "book.csv:2:", "after a closing quote");
    const char fields[] = HEADER "a,01-x,c,1,2\n";
    expect_refused(fields, sizeof fields - 1, "book.csv:2:", "5 fields, expected 6");
    const char many[] = HEADER "a,01-x,c,1,2,n,extra\n";
    expect_refused(many, sizeof many - 1, "book.csv:2:", "more than 6 fields");
    const char word[] = HEADER "a,01-x,c,ten,2,\n";
    expect_refused(word, sizeof word - 1, "book.csv:2:", "points is 'ten'");
    const char nan[] = HEADER "a,01-x,c,1,nan,\n";
    expect_refused(nan, sizeof nan - 1, "book.csv:2:", "max_points is 'nan'");
    const char big[] = HEADER "a,01-x,c,1e400,2,\n";
    expect_refused(big, sizeof big - 1, "book.csv:2:", "not a number");
    const char empty_points[] = HEADER "a,01-x,c,,2,\n";
    expect_refused(empty_points, sizeof empty_points - 1, "book.csv:2:", "not a number");
    const char nul[] = HEADER "a,01-x,c\0,1,2,\n";
    expect_refused(nul, sizeof nul - 1, "book.csv:2:", "NUL byte");
    const char header[] = "name,score\nalice,3\n";
    expect_refused(header, sizeof header - 1, "book.csv:1:", "not a racelab gradebook");
    expect_refused("", 0, "book.csv", "empty");
    const char dup[] = HEADER "a,01-x,c,1,2,\nb,01-x,c,1,2,\n\"a\",01-x,c,2,2,\n";
    expect_refused(dup, sizeof dup - 1, "book.csv:4: a second row for student a",
                   "first is on line 2");
}

static void huge_lines_are_refused_without_reading_them_whole(void **state)
{
    (void)state;
    size_t len = 8u << 20; /* one 8 MiB line, quoted and unquoted */
    char *text = xmalloc(len + 64);
    for (int quoted = 0; quoted < 2; quoted++) {
        size_t at = (size_t)sprintf(text, HEADER "%s", quoted ? "\"" : "");
        memset(text + at, 'x', len);
        text[at + len] = '\n';
        expect_refused(text, at + len + 1, "book.csv:2:", "longer than 65536 bytes");
    }
    free(text);
}

/* A gradebook from "student lab check points max" lines. */
static gradebook book(const char *const *rows)
{
    gradebook g = {0};
    for (size_t i = 0; rows[i]; i++) {
        char s[64], l[64], c[64];
        double p, m;
        assert_int_equal(sscanf(rows[i], "%63s %63s %63s %lf %lf", s, l, c, &p, &m), 5);
        gradebook_add(&g, s, l, strcmp(c, "-") == 0 ? "" : c, p, m, NULL);
    }
    return g;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void diff_lists_changed_students_and_checks(void **state)
{
    (void)state;
    const char *const old_rows[] = {"alice 01-bank race-free 35 50",
                                    "alice 01-bank mutex 15 15",
                                    "alice total - 50 65",
                                    "bob 01-bank race-free 50 50",
                                    "bob 01-bank mutex 15 15",
                                    "bob total - 65 65",
                                    "carol 01-bank race-free 50 50",
                                    "carol 01-bank mutex 0 15",
                                    "carol total - 50 65",
                                    "dave 01-bank race-free 10 50",
                                    "dave total - 10 50",
                                    "erin 01-bank race-free 1 50",
                                    NULL};
    const char *const new_rows[] = {"bob 01-bank race-free 50 50", /* unchanged, other order */
                                    "bob total - 65 65",
                                    "bob 01-bank mutex 15 15",
                                    "alice 01-bank race-free 50 50",
                                    "alice 01-bank mutex 15 15",
                                    "alice total - 65 65",
                                    "carol 01-bank race-free 35 50", /* moved between checks */
                                    "carol 01-bank mutex 15 15",
                                    "carol total - 50 65",
                                    "erin 01-bank race-free 0 50", /* no total row: summed */
                                    "frank 01-bank race-free 50 50",
                                    "frank total - 50 50",
                                    NULL};
    gradebook a = book(old_rows), b = book(new_rows);
    strbuf out;
    sb_init(&out);
    gradebook_diff_stats st;
    gradebook_diff(&a, &b, &out, &st);
    const char expected[] = "alice: 50/65 \u2192 65/65 (+15)\n"
                            "    01-bank race-free: 35 \u2192 50\n"
                            "carol: 50/65 \u2192 50/65 (total unchanged)\n"
                            "    01-bank mutex: 0 \u2192 15\n"
                            "    01-bank race-free: 50 \u2192 35\n"
                            "dave: 10/50 \u2192 (not in the new gradebook)\n"
                            "erin: 1/50 \u2192 0/50 (-1)\n"
                            "    01-bank race-free: 1 \u2192 0\n"
                            "frank: (not in the old gradebook) \u2192 50/50\n";
    assert_string_equal(out.data, expected);
    assert_int_equal(st.students, 6);
    assert_int_equal(st.changed, 5);
    assert_int_equal(st.up, 1);
    assert_int_equal(st.down, 1);
    assert_int_equal(st.same_total, 1);
    assert_int_equal(st.only_old, 1);
    assert_int_equal(st.only_new, 1);
    sb_free(&out);
    sb_init(&out);
    gradebook_diff_summary(&st, &out);
    assert_string_equal(out.data, "5 of 6 students changed: 1 up, 1 down, 1 with the same total, "
                                  "1 only in the old gradebook, 1 only in the new\n");
    sb_free(&out);

    /* the same gradebook twice: nothing listed */
    sb_init(&out);
    gradebook_diff(&a, &a, &out, &st);
    assert_string_equal(out.data, "");
    assert_int_equal(st.changed, 0);
    gradebook_diff_summary(&st, &out);
    assert_string_equal(out.data, "no changes: 5 students, the same points in every check\n");
    sb_free(&out);
    gradebook_free(&a);
    gradebook_free(&b);
}

static void diff_shows_changed_maximum_and_hostile_names_on_one_line(void **state)
{
    (void)state;
    gradebook a = {0}, b = {0};
    const char *evil = "ev\nil\x1b]0;pwned\x07,\"x\"";
    gradebook_add(&a, evil, "01-bank", "race-free", 35, 50, NULL);
    gradebook_add(&b, evil, "01-bank", "race-free", 35, 60, NULL);
    strbuf out;
    sb_init(&out);
    gradebook_diff_stats st;
    gradebook_diff(&a, &b, &out, &st);
    assert_int_equal(st.changed, 1);
    assert_int_equal(count_lines(out.data), 2); /* the name stays on its line */
    assert_null(strchr(out.data, '\x1b'));
    assert_null(strchr(out.data, '\x07'));
    assert_non_null(
        strstr(out.data, "ev?il?]0;pwned?,\"x\": 35/50 \u2192 35/60 (total unchanged)"));
    assert_non_null(strstr(out.data, "    01-bank race-free: 35/50 \u2192 35/60\n"));
    sb_free(&out);
    gradebook_free(&a);
    gradebook_free(&b);
}

static void display_caps_and_cleans(void **state)
{
    (void)state;
    char long_name[400];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    char *shown = gradebook_display(long_name);
    assert_int_equal(strlen(shown), 123);
    assert_string_equal(shown + 120, "...");
    free(shown);
    shown = gradebook_display("a\tb\nc\x7f");
    assert_string_equal(shown, "a?b?c?");
    free(shown);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hostile_names_round_trip),
        cmocka_unit_test(line_endings_blank_lines_and_bom_are_read),
        cmocka_unit_test(malformed_files_are_refused_with_file_and_line),
        cmocka_unit_test(huge_lines_are_refused_without_reading_them_whole),
        cmocka_unit_test(diff_lists_changed_students_and_checks),
        cmocka_unit_test(diff_shows_changed_maximum_and_hostile_names_on_one_line),
        cmocka_unit_test(display_caps_and_cleans),
    };
    return cmocka_run_group_tests_name("gradebook", tests, NULL, NULL);
}
