/*
 * report_html.c - the grading run as one HTML page a student opens in a
 * browser (see report_html.h): `racelab check --format html`, `make report`.
 *
 * Layout, top to bottom: the total; a score table (lab, check, points,
 * verdict) whose labs link to their sections; then per lab its message,
 * compiler output and notes, and per check that did not pass (every check
 * with -v) what the text report says of it, laid out: each problem with
 * its places side by side (the student's line marked in the lines around
 * it), a timeline of the threads, how often it was seen and the command
 * that replays it, its hint, and the text report's own words folded
 * under it; a tests check's outcomes as a chart; the check's hint. The
 * run's notes (isolation, ASLR) close the page.
 *
 * What is shown, and in which words, is decided where the text report
 * decides it (report_check_parts_get, report_finding_parts_get,
 * report_outcomes), so the page and `racelab check` never disagree and a
 * hidden test stays as private here as there. This file only lays out.
 *
 * Safety. The page is built in memory and written at once. Student text
 * is escaped by report_html_put and nothing else ever reaches the page
 * unescaped; the only markup inserted into escaped text is <code> for
 * `backticks`, which escaping cannot produce. The Content-Security-Policy
 * (a <meta> before anything else in <head>) names the SHA-256 of the
 * inline style and script, computed here from the very strings written,
 * so even markup that slipped through could neither run nor load.
 */
#include "report_html.h"

#include "digest.h"
#include "report_frames.h"
#include "report_source.h"

#include <stdlib.h>
#include <string.h>

#define TEXT_CAP (64 * 1024)  /* bytes of one piece of student text shown */
#define DETAILS_CAP 4000      /* bytes of a check's reasons, as in the text report */
#define LOG_CAP 4000          /* bytes of compiler output shown... */
#define LOG_CAP_VERBOSE 65536 /* ... and with -v */
#define CONTEXT_LINES 2       /* source lines around a place, as in the text report */

static const char style[] =
    ":root{--fg:#1f2328;--bg:#fff;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;"
    "--pass:#1a7f37;--fail:#cf222e;--flaky:#9a6700;--mark:#fff8c5}"
    "@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;"
    "--line:#3d444d;--soft:#151b23;--pass:#3fb950;--fail:#f85149;--flaky:#d29922;"
    "--mark:#3b2e00}}"
    "body{font:15px/1.45 system-ui,sans-serif;color:var(--fg);background:var(--bg);"
    "margin:0 auto;max-width:1100px;padding:1em 1.5em 3em}"
    "h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.25em;margin:1.6em 0 .4em;"
    "border-bottom:1px solid var(--line);padding-bottom:.2em}h3{font-size:1.05em;margin:1.2em 0 "
    ".3em}"
    "h4{font-size:1em;margin:1em 0 .4em}"
    "code,pre,.code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:."
    "9em}"
    "pre{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:.6em;"
    "overflow-x:auto;white-space:pre-wrap}"
    "p code,li code,h4 code,td code{background:var(--soft);border-radius:4px;padding:0 .25em}"
    "table.scores{border-collapse:collapse;width:100%}"
    ".scores th,.scores td{border-bottom:1px solid var(--line);padding:.3em .6em;text-align:left;"
    "vertical-align:top}.scores td.pts{text-align:right;white-space:nowrap}"
    ".scores tfoot td{font-weight:bold}"
    ".verdict{font-weight:bold;font-size:.85em;border-radius:4px;padding:.05em .4em;"
    "border:1px solid currentColor}"
    ".pass{color:var(--pass)}.fail{color:var(--fail)}.flaky{color:var(--flaky)}"
    ".muted,.meta,figcaption,.seen{color:var(--muted)}"
    ".finding{border:1px solid var(--line);border-radius:8px;padding:.2em 1em .8em;margin:1em 0}"
    ".sides{display:flex;flex-wrap:wrap;gap:1em}.side{flex:1 1 22em;min-width:0}"
    ".side .says{margin:.3em 0}.side .started{color:var(--muted);margin:.3em 0}"
    "table.src{border-collapse:collapse;width:100%;background:var(--soft);"
    "border:1px solid var(--line);border-radius:6px}"
    "table.src caption{text-align:left;color:var(--muted);font-size:.85em}"
    "table.src td{padding:0 .5em;white-space:pre-wrap;vertical-align:top}"
    "table.src td.ln{color:var(--muted);text-align:right;width:3em;user-select:none}"
    "table.src tr.mark td{background:var(--mark);font-weight:bold}"
    "figure{margin:.8em 0}svg{max-width:100%;height:auto}"
    "svg text{font:12px system-ui,sans-serif;fill:var(--fg)}"
    "svg text.code{font:12px ui-monospace,Menlo,Consolas,monospace}"
    "svg text.small{font-size:11px;fill:var(--muted)}"
    "svg .run{stroke:var(--muted);stroke-width:2}svg .axis{stroke:var(--line)}"
    "svg .link{stroke:var(--fail);stroke-dasharray:4 3}"
    "svg .start{fill:var(--bg);stroke:var(--muted);stroke-width:2}"
    "svg .access{fill:var(--fail)}"
    "svg .bar-pass{fill:var(--pass)}svg .bar-none{fill:#8c959f}"
    "svg .bar-f0{fill:#cf222e}svg .bar-f1{fill:#e16f24}svg .bar-f2{fill:#a40e26}"
    "svg .bar-f3{fill:#bf3989}svg .bar-f4{fill:#8250df}"
    "ul.legend{padding-left:1.2em}ul.legend ul{padding-left:1em;list-style:none}"
    "svg.key{vertical-align:middle;margin-right:.3em}"
    ".hint{border-left:4px solid var(--flaky);padding:.2em .8em;background:var(--soft)}"
    "details.words summary{cursor:pointer;color:var(--muted)}"
    "button{font:inherit;float:right}"
    "footer{margin-top:2em;border-top:1px solid var(--line);color:var(--muted);font-size:.9em}";

/* The page's only script: a button that opens or closes every folded part,
 * and a mark on <html> once it has run (the browser test looks for it). */
static const char script[] =
    "(function(){var b=document.getElementById('expand');"
    "var all=document.querySelectorAll('details');"
    "if(b&&all.length){b.hidden=false;b.addEventListener('click',function(){"
    "var open=b.getAttribute('aria-pressed')!=='true';"
    "for(var i=0;i<all.length;i++){all[i].open=open;}"
    "b.setAttribute('aria-pressed',open?'true':'false');"
    "b.textContent=open?'Fold all':'Unfold all';});}"
    "document.documentElement.setAttribute('data-ready','yes');})();";

/* ---- escaping ---- */

void report_html_put(strbuf *sb, const char *s, size_t cap)
{
    if (!s)
        return;
    char *clean = report_clean_text(s, cap);
    for (const char *p = clean; *p; p++) {
        switch (*p) {
        case '&':
            sb_append(sb, "&amp;");
            break;
        case '<':
            sb_append(sb, "&lt;");
            break;
        case '>':
            sb_append(sb, "&gt;");
            break;
        case '"':
            sb_append(sb, "&quot;");
            break;
        case '\'':
            sb_append(sb, "&#39;");
            break;
        default:
            sb_appendn(sb, p, 1);
        }
    }
    free(clean);
}

char *report_html_escape(const char *s, size_t cap)
{
    strbuf sb;
    sb_init(&sb);
    report_html_put(&sb, s, cap);
    return sb_take(&sb);
}

void report_html_put_short(strbuf *sb, const char *s, size_t max)
{
    if (!s)
        return;
    char *clean = report_clean_text(s, TEXT_CAP);
    size_t chars = 0, i = 0;
    for (; clean[i] && chars < max; i++)
        chars += ((unsigned char)clean[i] & 0xC0) != 0x80; /* count lead bytes only */
    while (clean[i] && ((unsigned char)clean[i] & 0xC0) == 0x80)
        i++; /* finish the last character */
    bool cut = clean[i] != '\0';
    clean[i] = '\0';
    report_html_put(sb, clean, TEXT_CAP);
    if (cut)
        sb_append(sb, "…");
    free(clean);
}

void report_html_put_words(strbuf *sb, const char *s)
{
    char *e = report_html_escape(s, TEXT_CAP);
    size_t ticks = 0, seen = 0;
    for (const char *p = e; *p; p++)
        ticks += *p == '`';
    for (const char *p = e; *p; p++) {
        if (*p == '`' && (seen % 2 == 1 || seen + 1 < ticks)) {
            sb_append(sb, seen % 2 ? "</code>" : "<code>");
            seen++;
        } else {
            sb_appendn(sb, p, 1);
        }
    }
    free(e);
}

/* Appends a lab id made fit for an id attribute: letters, digits, - and _. */
static void put_anchor(strbuf *sb, const char *id)
{
    sb_append(sb, "lab-");
    for (const char *p = id ? id : ""; *p; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_';
        sb_appendn(sb, ok ? &c : "_", 1);
    }
}

/* ---- verdicts ---- */

/* The verdict of check i of a lab, and its CSS class. */
static const char *verdict(const lab_result *lab, size_t i, const char **cls)
{
    *cls = "fail";
    switch (lab->state) {
    case LAB_NOT_SUBMITTED:
        return "NOT SUBMITTED";
    case LAB_BUILD_FAILED:
        return "DID NOT COMPILE";
    case LAB_ERROR:
        return "GRADER ERROR";
    case LAB_GRADED:
        break;
    }
    const check_result *c = &lab->checks[i];
    if (c->passed) {
        *cls = "pass";
        return "PASS";
    }
    if (c->failed_runs > 0 && c->failed_runs < c->runs) {
        *cls = "flaky";
        return "FLAKY";
    }
    return "FAIL";
}

static bool full_marks(const lab_result *lab)
{
    return lab->state == LAB_GRADED && lab->score >= lab->max_score;
}

static void put_score_table(strbuf *sb, const report *r)
{
    sb_append(sb, "<section><h2>Scores</h2>\n<table class=\"scores\">\n"
                  "<thead><tr><th>Lab</th><th>Check</th><th>Points</th><th>Verdict</th></tr>"
                  "</thead>\n<tbody>\n");
    for (size_t l = 0; l < r->nlabs; l++) {
        const lab_result *lab = &r->labs[l];
        if (lab->lab.nchecks == 0) { /* a lab.ini refused before its checks were read */
            sb_append(sb, "<tr><td>");
            report_html_put(sb, lab->lab.id, 200);
            sb_append(sb, "</td><td colspan=\"3\"></td></tr>\n");
        }
        for (size_t i = 0; i < lab->lab.nchecks; i++) {
            const lab_check *k = &lab->lab.checks[i];
            const char *cls, *v = verdict(lab, i, &cls);
            sb_append(sb, "<tr>");
            if (i == 0) {
                sb_printf(sb, "<td rowspan=\"%zu\"><a href=\"#", lab->lab.nchecks);
                put_anchor(sb, lab->lab.id);
                sb_append(sb, "\">");
                report_html_put(sb, lab->lab.id, 200);
                sb_append(sb, "</a><br><span class=\"muted\">");
                report_html_put(sb, lab->lab.title, 200);
                sb_printf(sb, "</span><br><b class=\"%s\">%g/%g</b></td>",
                          full_marks(lab) ? "pass" : "fail", lab->score, lab->max_score);
            }
            sb_append(sb, "<td>");
            report_html_put(sb, k->title ? k->title : k->id, 200);
            sb_printf(sb,
                      "</td><td class=\"pts\">%g/%g</td><td><span class=\"verdict %s\">%s</span>",
                      lab->checks[i].score, k->points, cls, v);
            if (lab->state == LAB_GRADED && lab->checks[i].summary && !lab->checks[i].passed) {
                sb_append(sb, " <span class=\"muted\">");
                report_html_put(sb, lab->checks[i].summary, 400);
                sb_append(sb, "</span>");
            }
            sb_append(sb, "</td></tr>\n");
        }
    }
    sb_printf(sb,
              "</tbody>\n<tfoot><tr><td colspan=\"2\">Total</td><td class=\"pts\">%g/%g</td>"
              "<td></td></tr></tfoot>\n</table>\n</section>\n",
              report_score(r), report_max_score(r));
}

/* ---- one problem ---- */

/* One place of a finding: what happened there, the student's line with
 * the lines around it, and where its thread was started. */
static void put_place(strbuf *sb, const lab_result *lab, const report_place *p)
{
    sb_printf(sb, "<div class=\"side%s\">\n<p class=\"says\">", p->earlier ? " earlier" : "");
    report_html_put_words(sb, p->says);
    sb_append(sb, "</p>\n");
    size_t n = 0;
    report_source_line *lines =
        p->at ? report_source_lines(lab, p->at->file, p->at->line, CONTEXT_LINES, &n) : NULL;
    if (lines) {
        sb_append(sb, "<table class=\"src\"><caption>");
        report_html_put(sb, p->at->file, 200);
        sb_append(sb, "</caption><tbody>\n");
        for (size_t i = 0; i < n; i++) {
            sb_printf(sb, "<tr%s><td class=\"ln\">%d</td><td class=\"code\">",
                      lines[i].marked ? " class=\"mark\"" : "", lines[i].number);
            report_html_put(sb, lines[i].text, TEXT_CAP);
            sb_append(sb, "</td></tr>\n");
        }
        sb_append(sb, "</tbody></table>\n");
        report_source_lines_free(lines, n);
    }
    if (p->started) {
        strbuf who;
        sb_init(&who);
        report_thread_name(&who, p->thread);
        sb_append(sb, "<p class=\"started\">");
        report_html_put(sb, who.data, 200);
        sb_append(sb, " was ");
        report_html_put_words(sb, p->started);
        sb_append(sb, "</p>\n");
        sb_free(&who);
    }
    sb_append(sb, "</div>\n");
}

/* The text report's description of a finding (without the hint), for
 * the folded "in words" part or for kinds with no places to lay out. */
static char *finding_words(const lab_result *lab, size_t i, const report_detail *d)
{
    strbuf sb;
    sb_init(&sb);
    report_describe_finding_with(&sb, lab, i, d, NULL);
    return sb_take(&sb);
}

static void put_finding(strbuf *sb, const lab_result *lab, size_t number, const report_problem *pr,
                        const report_detail *d)
{
    report_finding_parts p;
    report_finding_parts_get(lab, pr->finding, d, &p);
    char *words = finding_words(lab, pr->finding, d);
    sb_printf(sb, "<section class=\"finding\">\n<h4>Problem %zu: ", number);
    report_html_put_words(sb, p.headline);
    sb_append(sb, "</h4>\n");
    if (p.nplaces) {
        if (p.about) {
            sb_append(sb, "<p class=\"about\">");
            report_html_put_words(sb, p.about);
            sb_append(sb, "</p>\n");
        }
        sb_append(sb, "<div class=\"sides\">\n");
        for (size_t i = 0; i < p.nplaces; i++)
            put_place(sb, lab, &p.places[i]);
        sb_append(sb, "</div>\n");
        report_html_timeline(sb, lab, &p);
        if (p.seen) {
            sb_append(sb, "<p class=\"seen\">");
            report_html_put(sb, p.seen, 400);
            sb_append(sb, "; replay it: <code>");
            report_html_put(sb, p.replay, TEXT_CAP);
            sb_append(sb, "</code></p>\n");
        }
    } else {
        const char *body = strchr(words, '\n'); /* the headline is above already */
        if (body && body[1]) {
            sb_append(sb, "<pre class=\"words\">");
            report_html_put(sb, body + 1, TEXT_CAP);
            sb_append(sb, "</pre>\n");
        }
    }
    if (pr->hint) {
        sb_append(sb, "<p class=\"hint\"><b>Hint:</b> ");
        report_html_put_words(sb, pr->hint);
        sb_append(sb, "</p>\n");
    }
    if (p.nplaces) {
        sb_append(sb, "<details class=\"words\"><summary>The same in words, as <code>racelab "
                      "check</code> prints it</summary>\n<pre>");
        report_html_put(sb, words, TEXT_CAP);
        sb_append(sb, "</pre></details>\n");
    }
    sb_append(sb, "</section>\n");
    free(words);
    report_finding_parts_free(&p);
}

/* ---- checks and labs ---- */

static void put_check(strbuf *sb, const lab_result *lab, size_t i, const report_detail *d)
{
    const check_result *c = &lab->checks[i];
    const lab_check *k = &lab->lab.checks[i];
    const char *cls, *v = verdict(lab, i, &cls);
    sb_printf(sb, "<article class=\"check\">\n<h3><span class=\"verdict %s\">%s</span> ", cls, v);
    report_html_put(sb, k->title ? k->title : k->id, 200);
    sb_printf(sb, " <span class=\"muted\">%g/%g</span></h3>\n", c->score, k->points);
    if (c->summary) {
        sb_append(sb, "<p class=\"summary\">");
        report_html_put(sb, c->summary, 400);
        sb_append(sb, "</p>\n");
    }
    report_check_parts parts;
    report_check_parts_get(lab, i, d, &parts);
    if (parts.details) {
        sb_append(sb, "<pre class=\"details\">");
        report_html_put(sb, c->details, DETAILS_CAP);
        sb_append(sb, "</pre>\n");
    }
    if (parts.outcomes)
        report_html_outcomes(sb, lab, k);
    if (parts.replay_trial >= 0) {
        strbuf cmd;
        sb_init(&cmd);
        report_replay_command(&cmd, lab->lab.id, lab->trials[parts.replay_trial].seed,
                              d->submission);
        sb_append(sb, "<p class=\"replay\">Replay the first failing run: <code>");
        report_html_put(sb, cmd.data, TEXT_CAP);
        sb_append(sb, "</code></p>\n");
        sb_free(&cmd);
    }
    for (size_t p = 0; p < parts.nproblems; p++)
        put_finding(sb, lab, p + 1, &parts.problems[p], d);
    if (parts.more)
        sb_printf(sb, "<p class=\"muted\">… and %u more problem%s (%s).</p>\n", parts.more,
                  parts.more == 1 ? "" : "s",
                  d->verbose ? "the JSON report, <code>--format json</code>, lists every one"
                             : "<code>-v</code> shows them");
    if (parts.folded)
        sb_append(sb, "<p class=\"muted\">Frames in the tests, racelab and the system libraries "
                      "are folded away; <code>-v</code> shows every frame.</p>\n");
    if (parts.hint) {
        sb_append(sb, "<p class=\"hint\"><b>Hint:</b> ");
        report_html_put_words(sb, k->hint);
        sb_append(sb, "</p>\n");
    }
    report_check_parts_free(&parts);
    sb_append(sb, "</article>\n");
}

static void put_lab(strbuf *sb, const lab_result *lab, const report_detail *d)
{
    bool full = full_marks(lab);
    sb_append(sb, "<section class=\"lab\" id=\"");
    put_anchor(sb, lab->lab.id);
    sb_append(sb, "\">\n<h2>");
    report_html_put(sb, lab->lab.id, 200);
    sb_append(sb, " <span class=\"muted\">");
    report_html_put(sb, lab->lab.title, 200);
    sb_printf(sb, "</span> <span class=\"%s\">%g/%g</span></h2>\n", full ? "pass" : "fail",
              lab->score, lab->max_score);
    sb_printf(sb, "<p class=\"meta\">%.1f s, %zu run%s</p>\n", lab->seconds, lab->ntrials,
              lab->ntrials == 1 ? "" : "s");
    if (lab->message) {
        sb_append(sb, "<p class=\"fail\">");
        report_html_put(sb, lab->message, TEXT_CAP);
        sb_append(sb, "</p>\n");
    }
    if (lab->state == LAB_BUILD_FAILED && lab->build_log && *lab->build_log) {
        sb_append(sb, "<pre class=\"log\">");
        report_html_put(sb, lab->build_log, d->verbose ? LOG_CAP_VERBOSE : LOG_CAP);
        sb_append(sb, "</pre>\n");
    }
    if (lab->notes.n) {
        sb_append(sb, "<ul class=\"notes\">\n");
        for (size_t i = 0; i < lab->notes.n; i++) {
            sb_append(sb, "<li>");
            report_html_put(sb, lab->notes.items[i], TEXT_CAP);
            sb_append(sb, "</li>\n");
        }
        sb_append(sb, "</ul>\n");
    }
    if (full && !d->verbose)
        sb_printf(sb, "<p class=\"pass\">All %zu checks passed.</p>\n", lab->lab.nchecks);
    else if (lab->state == LAB_GRADED)
        for (size_t i = 0; i < lab->lab.nchecks; i++)
            if (!lab->checks[i].passed || d->verbose)
                put_check(sb, lab, i, d);
    sb_append(sb, "</section>\n");
}

/* ---- the page ---- */

static void put_head(strbuf *sb, const report *r)
{
    char *style_hash = digest_sha256_base64(style, strlen(style));
    char *script_hash = digest_sha256_base64(script, strlen(script));
    sb_printf(sb,
              "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
              "style-src 'sha256-%s'; script-src 'sha256-%s'; base-uri 'none'; "
              "form-action 'none'\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
              "<meta name=\"generator\" content=\"racelab\">\n<title>racelab: %g/%g",
              style_hash, script_hash, report_score(r), report_max_score(r));
    for (size_t i = 0; i < r->nlabs && i < 3; i++) {
        sb_append(sb, i ? ", " : " for ");
        report_html_put(sb, r->labs[i].lab.id, 200);
    }
    sb_printf(sb, "%s</title>\n<style>%s</style>\n</head>\n", r->nlabs > 3 ? ", …" : "", style);
    free(style_hash);
    free(script_hash);
}

static void put_header(strbuf *sb, const report *r)
{
    double score = report_score(r), max = report_max_score(r);
    sb_append(sb, "<header>\n<button id=\"expand\" type=\"button\" aria-pressed=\"false\" "
                  "hidden>Unfold all</button>\n<h1>racelab report</h1>\n");
    sb_printf(sb, "<p>Total: <b class=\"%s\">%g/%g</b> in %.1f s", score >= max ? "pass" : "fail",
              score, max, r->seconds);
    if (r->submission) {
        sb_append(sb, " for the submission <code>");
        report_html_put(sb, r->submission, 4096);
        sb_append(sb, "</code>");
    } else {
        sb_append(sb, " for your working copy");
    }
    sb_append(sb, ".</p>\n");
    if (r->toolchain) {
        sb_append(sb, "<p class=\"muted\">");
        report_html_put(sb, r->toolchain, 400);
        sb_append(sb, "</p>\n");
    }
    sb_append(sb, "</header>\n");
}

static void put_footer(strbuf *sb, const report *r)
{
    sb_append(sb, "<footer>\n");
    if (r->notes.n) {
        sb_append(sb, "<ul class=\"notes\">\n");
        for (size_t i = 0; i < r->notes.n; i++) {
            sb_append(sb, "<li>note: ");
            report_html_put(sb, r->notes.items[i], TEXT_CAP);
            sb_append(sb, "</li>\n");
        }
        sb_append(sb, "</ul>\n");
    }
    sb_append(sb, "<p>Written by racelab. This page loads nothing from anywhere.</p>\n"
                  "</footer>\n");
}

rl_status report_write_html(const report *r, FILE *out, rl_err *err)
{
    report_detail d = {.verbose = r->verbose, .submission = r->submission};
    strbuf sb;
    sb_init(&sb);
    put_head(&sb, r);
    sb_append(&sb, "<body>\n");
    put_header(&sb, r);
    sb_append(&sb, "<main>\n");
    put_score_table(&sb, r);
    for (size_t i = 0; i < r->nlabs; i++)
        put_lab(&sb, &r->labs[i], &d);
    sb_append(&sb, "</main>\n");
    put_footer(&sb, r);
    sb_printf(&sb, "<script>%s</script>\n</body>\n</html>\n", script);
    size_t written = fwrite(sb.data, 1, sb.len, out);
    bool ok = written == sb.len && !ferror(out);
    sb_free(&sb);
    if (!ok)
        return rl_fail(err, RL_ERR_IO, "could not write the HTML report");
    return RL_OK;
}
