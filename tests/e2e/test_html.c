/*
 * test_html.c - end-to-end: the HTML report (`--format html`) loaded in a
 * real browser. 01-bank's starter is graded (two trials) into a page that
 * headless Chromium loads from the disk; its DOM, as the browser built it,
 * must show the score table, a problem at bank.c's race line with the
 * lines around it, the SVG timeline and the outcome chart, and the page's
 * script must have run (it marks <html data-ready="yes">) with nothing on
 * the console: no script error, no refused load, no policy violation.
 * Then a hostile bank.c, which prints <script> tags and carries one in a
 * comment on its race line, is graded the same way: the browser must see
 * the text, escaped, and still exactly one <script> element, the page's.
 *
 * Chromium comes with `make test` (harness/install-deps.sh --test); when it
 * is missing the test fails and says how to install it, rather than
 * skipping and proving nothing. Run from the project root.
 */
#include "e2e.h"

#include "util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static void expect(const char *text, const char *want, const char *what)
{
    if (!strstr(text, want))
        fail_msg("%s: missing \"%s\" in:\n%.20000s", what, want, text);
}

/* Chromium's path, searched like a shell would; NULL when it is missing. */
static char *find_chromium(void)
{
    const char *dirs[] = {"/usr/bin", "/usr/local/bin", "/bin", "/snap/bin"};
    const char *names[] = {"chromium", "chromium-browser"};
    for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++)
        for (size_t n = 0; n < sizeof names / sizeof names[0]; n++) {
            char *path = xasprintf("%s/%s", dirs[d], names[n]);
            if (access(path, X_OK) == 0)
                return path;
            free(path);
        }
    return NULL;
}

/* How the browser saw a page: its DOM after loading, and its log. */
typedef struct {
    char *dom;
    char *log;
} browsed;

/* Loads page in headless Chromium: --dump-dom prints the DOM the browser
 * built (after the page's script ran), and the log at --v=0 carries every
 * console message ("CONSOLE"), script errors and policy violations included. */
static browsed browse(const char *dir, const char *page)
{
    char *chromium = find_chromium();
    if (!chromium)
        fail_msg("chromium is missing: the HTML report is tested in a real browser. `make test` "
                 "installs it (harness/install-deps.sh --test); or, as root: apt-get install "
                 "--no-install-recommends chromium");
    char *dom = path_join(dir, "dom.html"), *log = path_join(dir, "chromium.log");
    char *profile = path_join(dir, "profile");
    char *script = xasprintf("exec \"$0\" --headless --no-sandbox --disable-gpu --no-first-run "
                             "--disable-extensions --disable-dev-shm-usage --user-data-dir='%s' "
                             "--enable-logging=stderr --v=0 --virtual-time-budget=2000 "
                             "--dump-dom 'file://%s' >'%s' 2>'%s'",
                             profile, page, dom, log);
    const char *argv[] = {"/bin/sh", "-c", script, chromium, NULL};
    double start = now_seconds();
    e2e_run r = e2e_command(argv, dir, NULL, 90);
    print_message("    chromium loaded %s in %.1f s\n", path_base(page), now_seconds() - start);
    browsed b = {0};
    rl_err err = {{0}};
    size_t len;
    bool cut;
    if (file_read(log, 16 << 20, &b.log, &len, &cut, &err) != RL_OK)
        b.log = xstrdup("");
    if (r.status != 0 || file_read(dom, 16 << 20, &b.dom, &len, &cut, &err) != RL_OK)
        fail_msg("chromium failed (status %d): %s\n%s", r.status, r.output, b.log);
    e2e_run_free(&r);
    free(script);
    free(profile);
    free(log);
    free(dom);
    free(chromium);
    return b;
}

static void browsed_free(browsed *b)
{
    free(b->dom);
    free(b->log);
}

/* Every console line of the log: a page that works logs nothing. */
static void expect_quiet_console(const browsed *b)
{
    for (const char *p = b->log; (p = strstr(p, "CONSOLE")); p++) {
        const char *start = p, *end = strchr(p, '\n');
        while (start > b->log && start[-1] != '\n')
            start--;
        fail_msg("the page logged to the console: %.*s", (int)(end ? end - start : 400), start);
    }
}

static size_t occurrences(const char *text, const char *what)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

/* Grades the 01-bank submission in `sub` into dir/report.html. */
static char *grade_page(const char *dir, const char *sub)
{
    char *page = path_join(dir, "report.html");
    const char *args[] = {"grade", "--submission", sub,    "--lab",    "01-bank", "--trials",
                          "2",     "--format",     "html", "--output", page,      NULL};
    double start = now_seconds();
    e2e_run r = e2e_racelab(args, NULL);
    print_message("    graded %s in %.1f s\n", sub, now_seconds() - start);
    if (r.status != 0)
        fail_msg("racelab grade exited with %d:\n%s", r.status, r.output);
    e2e_run_free(&r);
    return page;
}

/* What every page of the starter shows, as the browser built it. */
static void expect_bank_page(const browsed *b)
{
    expect_quiet_console(b);
    expect(b->dom, "data-ready=\"yes\"", "the page's script ran to its end");
    expect(b->dom, "<table class=\"scores\">", "the score table");
    expect(b->dom, "No data races on the account", "a check's row");
    expect(b->dom, "<span class=\"verdict fail\">FAIL</span>", "a verdict");
    expect(b->dom, "<section class=\"finding\">", "a problem");
    expect(b->dom, "<caption>bank.c</caption>", "the student's file quoted");
    expect(b->dom, "<tr class=\"mark\"><td class=\"ln\">38</td>", "the race line marked");
    expect(b->dom, "at bank.c:38", "the race line named");
    expect(b->dom, "<figure class=\"timeline\">\n<svg xmlns=\"http://www.w3.org/2000/svg\"",
           "the timeline");
    expect(b->dom, "class=\"access\"", "the timeline's accesses");
    expect(b->dom, "<figure class=\"outcomes\">\n<svg xmlns=\"http://www.w3.org/2000/svg\"",
           "the outcome chart");
    expect(b->dom, "build/racelab replay 01-bank --seed 1", "the replay command");
    expect(b->dom, "isolation:", "the isolation note");
    assert_int_equal(occurrences(b->dom, "<script"), 1); /* the page's own */
    assert_null(strstr(b->dom, "test_bank_hidden"));     /* the hidden test stays private */
    assert_null(strstr(b->dom, "racelab_probe"));
}

static void starter_page_in_a_browser(void **state)
{
    (void)state;
    char *dir = e2e_tempdir();
    char *page = grade_page(dir, "labs/01-bank");
    browsed b = browse(dir, page);
    expect_bank_page(&b);
    expect(b.dom, "acct-&gt;balance += cents;", "the race line's code, as text");
    browsed_free(&b);
    free(page);
    e2e_rmtree(dir);
    free(dir);
}

/* 01-bank's starter with markup in its output and on its race line; the
 * line numbers stay those of the starter. */
static void write_hostile_bank(const char *dir)
{
    char *text = NULL;
    size_t len;
    bool cut;
    rl_err err = {{0}};
    assert_int_equal(file_read("labs/01-bank/bank.c", 1 << 20, &text, &len, &cut, &err), RL_OK);
    static const struct {
        const char *from, *to;
    } edits[] = {
        {"\n\n#include <stdlib.h>", "\n#include <stdio.h>\n#include <stdlib.h>"},
        {"    struct account *acct = malloc(sizeof *acct);",
         "    struct account *acct = malloc(sizeof *acct); "
         "printf(\"<script>alert(1)</script>\\n\"); "
         "fprintf(stderr, \"<img src=x onerror=alert(2)>\\n\");"},
        {"/* read the balance, add, write it back */",
         "/* </td></table><script>alert(1)</script> \"x' & */"},
    };
    strbuf sb;
    sb_init(&sb);
    sb_append(&sb, text);
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        char *at = strstr(sb.data, edits[i].from);
        if (!at)
            fail_msg("labs/01-bank/bank.c changed: \"%s\" is gone", edits[i].from);
        strbuf next;
        sb_init(&next);
        sb_appendn(&next, sb.data, (size_t)(at - sb.data));
        sb_append(&next, edits[i].to);
        sb_append(&next, at + strlen(edits[i].from));
        sb_free(&sb);
        sb = next;
    }
    e2e_write(dir, "bank.c", sb.data);
    sb_free(&sb);
    free(text);
}

static void hostile_page_in_a_browser(void **state)
{
    (void)state;
    char *dir = e2e_tempdir();
    char *sub = path_join(dir, "sub");
    write_hostile_bank(sub);
    char *page = grade_page(dir, sub);
    browsed b = browse(dir, page);
    expect_bank_page(&b);
    expect(b.dom, "&lt;/td&gt;&lt;/table&gt;&lt;script&gt;alert(1)&lt;/script&gt; \"x' &amp; */",
           "the hostile comment, as text");
    assert_null(strstr(b.dom, "<img")); /* what it printed, if shown at all, is text */
    browsed_free(&b);
    free(page);
    free(sub);
    e2e_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(starter_page_in_a_browser),
        cmocka_unit_test(hostile_page_in_a_browser),
    };
    return cmocka_run_group_tests_name("e2e_html", tests, NULL, NULL);
}
