/*
 * manifest.c - loads and checks a lab's lab.ini with inih.
 *
 * The file has one [lab] section and one [check ID] section per graded
 * check; labs/README.md documents every key. Loading is strict: a key the
 * harness does not know is an error rather than something silently ignored,
 * because a misspelt "point = 40" would otherwise grade a lab wrongly for a
 * whole class. Every message names the file and line and says what to write.
 */
#include "manifest.h"

#include "probe_read.h"

#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MANIFEST_MAX_CHECKS 32
#define MANIFEST_MAX_TRIALS 1000
#define MANIFEST_MAX_TIMEOUT 600.0
#define MANIFEST_MAX_LINE 4000 /* characters on one lab.ini line */
#define MANIFEST_MAX_BYTES (256 * 1024)

typedef struct {
    lab_manifest *m;
    const char *path;
    char error[512];
    bool seen_lab;
    bool seen_trials, seen_timeout;
} parse_ctx;

static const struct {
    const char *name;
    check_kind kind;
} check_kinds[] = {
    {"tests", CHECK_TESTS},         {"race-free", CHECK_RACE_FREE},
    {"mechanism", CHECK_MECHANISM}, {"concurrency", CHECK_CONCURRENCY},
    {"scaling", CHECK_SCALING},
};

const char *const manifest_visibilities[] = {"after_published", "hidden", "after_due_date",
                                             "visible", NULL};

/* The constant in manifest_visibilities spelt like s, or NULL. */
static const char *visibility_parse(const char *s)
{
    for (size_t i = 0; manifest_visibilities[i]; i++)
        if (strcmp(s, manifest_visibilities[i]) == 0)
            return manifest_visibilities[i];
    return NULL;
}

const char *check_kind_name(check_kind kind)
{
    for (size_t i = 0; i < sizeof check_kinds / sizeof check_kinds[0]; i++)
        if (check_kinds[i].kind == kind)
            return check_kinds[i].name;
    return "?";
}

/* Records why a line is wrong; returns 0, which tells inih to stop. */
static int fail_at(parse_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail_at(parse_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->error, sizeof c->error, fmt, ap);
    va_end(ap);
    return 0;
}

/* Parses a whole number in [lo, hi]; false when s is anything else. */
static bool parse_int(const char *s, long lo, long hi, long *out)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static bool parse_number(const char *s, double lo, double hi, double *out)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || !isfinite(v) || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static int set_threads(parse_ctx *c, const char *value)
{
    strlist parts = {0};
    strlist_split(&parts, value);
    int ok = 1;
    size_t max = sizeof c->m->threads / sizeof c->m->threads[0];
    if (parts.n == 0 || parts.n > max)
        ok = fail_at(c, "threads = %s: give 1 to 8 thread counts, e.g. \"threads = 2 4 8\"", value);
    for (size_t i = 0; ok && i < parts.n; i++) {
        long v;
        if (!parse_int(parts.items[i], 1, 64, &v))
            ok = fail_at(c, "threads: '%s' is not a thread count from 1 to 64", parts.items[i]);
        else
            c->m->threads[i] = (int)v;
    }
    if (ok)
        c->m->nthreads = parts.n;
    strlist_free(&parts);
    return ok;
}

static int lab_key(parse_ctx *c, const char *key, const char *value)
{
    lab_manifest *m = c->m;
    long n;
    c->seen_lab = true;
    if (strcmp(key, "title") == 0) {
        free(m->title);
        m->title = xstrdup(value);
    } else if (strcmp(key, "summary") == 0) {
        free(m->summary);
        m->summary = xstrdup(value);
    } else if (strcmp(key, "student_files") == 0) {
        strlist_split(&m->student_files, value);
    } else if (strcmp(key, "support") == 0) {
        strlist_split(&m->support, value);
    } else if (strcmp(key, "tests") == 0) {
        strlist_split(&m->tests, value);
    } else if (strcmp(key, "starter_fails") == 0) {
        strlist_split(&m->starter_fails, value);
    } else if (strcmp(key, "hidden_tests") == 0) {
        strlist_split(&m->hidden_tests, value);
    } else if (strcmp(key, "trials") == 0) {
        if (!parse_int(value, 1, MANIFEST_MAX_TRIALS, &n))
            return fail_at(c, "trials = %s: write a whole number from 1 to 1000", value);
        m->trials = (int)n;
        c->seen_trials = true;
    } else if (strcmp(key, "timeout") == 0) {
        if (!parse_number(value, 0.1, MANIFEST_MAX_TIMEOUT, &m->timeout))
            return fail_at(c, "timeout = %s: write seconds from 0.1 to 600", value);
        c->seen_timeout = true;
    } else if (strcmp(key, "threads") == 0) {
        return set_threads(c, value);
    } else if (strcmp(key, "hidden_visibility") == 0) {
        m->hidden_visibility = visibility_parse(value);
        if (!m->hidden_visibility)
            return fail_at(c,
                           "hidden_visibility = %s: write after_published, hidden, "
                           "after_due_date or visible",
                           value);
    } else if (strcmp(key, "cflags") == 0) {
        free(m->cflags);
        m->cflags = xstrdup(value);
    } else if (strcmp(key, "ldflags") == 0) {
        free(m->ldflags);
        m->ldflags = xstrdup(value);
    } else {
        return fail_at(c, "[lab] has no key '%s' (see labs/README.md for the keys)", key);
    }
    return 1;
}

static lab_check *find_or_add_check(parse_ctx *c, const char *id)
{
    lab_manifest *m = c->m;
    for (size_t i = 0; i < m->nchecks; i++)
        if (strcmp(m->checks[i].id, id) == 0)
            return &m->checks[i];
    if (m->nchecks == MANIFEST_MAX_CHECKS)
        return NULL;
    m->checks = xrealloc(m->checks, (m->nchecks + 1) * sizeof *m->checks);
    lab_check *k = &m->checks[m->nchecks++];
    memset(k, 0, sizeof *k);
    k->id = xstrdup(id);
    k->points = -1;
    k->kind = (check_kind)-1;
    return k;
}

/* "mutex_lock >= 10, cond_wait >= 1": each primitive must be known. */
static int parse_require(parse_ctx *c, lab_check *k, const char *value)
{
    for (const char *s = value; *s;) {
        size_t n = strcspn(s, ",");
        char *part = xstrndup(s, n), name[64];
        unsigned long at_least = 0;
        int used = 0;
        int ok =
            sscanf(part, " %63[a-z_] >= %lu %n", name, &at_least, &used) == 2 && part[used] == '\0';
        probe_primitive p;
        if (ok && !probe_primitive_parse(name, &p))
            ok = fail_at(
                c, "require: '%s' is not a primitive the probe counts (see labs/README.md)", name);
        else if (!ok)
            ok = fail_at(c, "require: '%s' should look like \"mutex_lock >= 10\"", part);
        free(part);
        if (!ok)
            return 0;
        k->require = xrealloc(k->require, (k->nrequire + 1) * sizeof *k->require);
        k->require[k->nrequire++] = (check_requirement){p, at_least};
        s += n + (s[n] == ',');
    }
    return 1;
}

static int parse_forbid(parse_ctx *c, lab_check *k, const char *value)
{
    strlist names = {0};
    strlist_split(&names, value);
    int ok = 1;
    for (size_t i = 0; ok && i < names.n; i++) {
        probe_primitive p;
        if (probe_primitive_parse(names.items[i], &p))
            k->forbid[p] = true;
        else
            ok = fail_at(c, "forbid: '%s' is not a primitive the probe counts (see labs/README.md)",
                         names.items[i]);
    }
    strlist_free(&names);
    return ok;
}

/* "hint_data_race = ...": a race-free check's hint for one kind of finding. */
static int kind_hint_key(parse_ctx *c, lab_check *k, const char *key, const char *value)
{
    for (int i = 0; i < TSAN_OTHER; i++)
        if (strcmp(key + 5, tsan_kind_key((tsan_kind)i)) == 0) {
            free(k->kind_hints[i]);
            k->kind_hints[i] = xstrdup(value);
            return 1;
        }
    return fail_at(c,
                   "[check] has no key '%s': per-kind hints are hint_data_race, "
                   "hint_lock_order_inversion, hint_heap_use_after_free, hint_thread_leak, "
                   "hint_signal_unsafe_call, hint_signal_handler_spoils_errno, hint_mutex_misuse",
                   key);
}

static int check_key(parse_ctx *c, const char *id, const char *key, const char *value)
{
    if (!*id)
        return fail_at(c, "[check] needs an id: write [check %s]", "race-free");
    for (const char *p = id; *p; p++)
        if (!(*p == '-' || *p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
            return fail_at(c, "[check %s]: use lower-case letters, digits, '-' and '_' in ids", id);
    lab_check *k = find_or_add_check(c, id);
    if (!k)
        return fail_at(c, "[check %s]: a lab has at most 32 checks", id);
    if (strcmp(key, "title") == 0) {
        free(k->title);
        k->title = xstrdup(value);
    } else if (strcmp(key, "kind") == 0) {
        size_t i;
        for (i = 0; i < sizeof check_kinds / sizeof check_kinds[0]; i++)
            if (strcmp(value, check_kinds[i].name) == 0)
                break;
        if (i == sizeof check_kinds / sizeof check_kinds[0])
            return fail_at(c,
                           "kind = %s: unknown check kind; write tests, race-free, mechanism, "
                           "concurrency or scaling",
                           value);
        k->kind = check_kinds[i].kind;
    } else if (strcmp(key, "points") == 0) {
        if (!parse_number(value, 0, 10000, &k->points))
            return fail_at(c, "points = %s: write a number from 0 to 10000", value);
    } else if (strcmp(key, "tests") == 0) {
        strlist_split(&k->tests, value);
    } else if (strcmp(key, "kinds") == 0) {
        /* finding kinds contain spaces ("data race"): split on commas only */
        for (const char *s = value; *s;) {
            size_t n = strcspn(s, ",");
            char *part = xstrndup(s, n);
            char *b = part, *e = part + strlen(part);
            while (*b == ' ')
                b++;
            while (e > b && e[-1] == ' ')
                *--e = '\0';
            if (*b)
                strlist_push(&k->kinds, b);
            free(part);
            s += n;
            if (*s == ',')
                s++;
        }
    } else if (strcmp(key, "require") == 0) {
        return parse_require(c, k, value);
    } else if (strcmp(key, "forbid") == 0) {
        return parse_forbid(c, k, value);
    } else if (strcmp(key, "min_threads") == 0 || strcmp(key, "min_processes") == 0) {
        long n;
        if (!parse_int(value, 1, 64, &n))
            return fail_at(c, "%s = %s: write a number from 1 to 64", key, value);
        *(key[4] == 't' ? &k->min_threads : &k->min_processes) = (int)n;
    } else if (strcmp(key, "max_contention") == 0) {
        if (!parse_number(value, 0, 1, &k->max_contention))
            return fail_at(c, "max_contention = %s: write a share from 0 to 1, e.g. 0.2", value);
    } else if (strcmp(key, "runs") == 0) {
        long n;
        if (!parse_int(value, 1, SCALING_RUNS_MAX, &n))
            return fail_at(c, "runs = %s: write a number from 1 to %d", value, SCALING_RUNS_MAX);
        k->runs = (int)n;
    } else if (strcmp(key, "hint") == 0) {
        free(k->hint);
        k->hint = xstrdup(value);
    } else if (strncmp(key, "hint_", 5) == 0) {
        return kind_hint_key(c, k, key, value);
    } else {
        return fail_at(c, "[check] has no key '%s' (see labs/README.md for the keys)", key);
    }
    return 1;
}

static int on_entry(void *user, const char *section, const char *key, const char *value)
{
    parse_ctx *c = user;
    if (strcmp(section, "lab") == 0)
        return lab_key(c, key, value);
    if (strncmp(section, "check ", 6) == 0 || strcmp(section, "check") == 0)
        return check_key(c, section[5] ? section + 6 : "", key, value);
    return fail_at(c, "unknown section [%s]: use [lab] or [check ID]", section);
}

/* Checks what a whole file must hold once every line is read. */
/* A mechanism check must ask for something, and so must a concurrency check. */
static rl_status check_probe_keys(const char *path, const lab_check *k, rl_err *err)
{
    bool forbids = false;
    for (int p = 0; p < PROBE_NPRIM; p++)
        forbids = forbids || k->forbid[p];
    if (k->kind == CHECK_MECHANISM && k->nrequire == 0 && !forbids)
        return rl_fail(err, RL_ERR_MANIFEST,
                       "%s: [check %s] needs require = PRIMITIVE >= N or forbid = PRIMITIVE", path,
                       k->id);
    if (k->kind == CHECK_SCALING && k->max_contention <= 0)
        return rl_fail(err, RL_ERR_MANIFEST, "%s: [check %s] needs max_contention = SHARE", path,
                       k->id);
    if (k->kind == CHECK_CONCURRENCY && !k->min_threads && !k->min_processes)
        return rl_fail(err, RL_ERR_MANIFEST,
                       "%s: [check %s] needs min_threads = N or min_processes = N", path, k->id);
    return RL_OK;
}

static rl_status check_complete(const parse_ctx *c, rl_err *err)
{
    rl_status st;
    const lab_manifest *m = c->m;
    if (!c->seen_lab || !m->title)
        return rl_fail(err, RL_ERR_MANIFEST, "%s: [lab] needs a title = line", c->path);
    if (m->student_files.n == 0)
        return rl_fail(err, RL_ERR_MANIFEST,
                       "%s: [lab] needs student_files = the files students edit", c->path);
    if (m->tests.n == 0)
        return rl_fail(err, RL_ERR_MANIFEST, "%s: [lab] needs tests = the visible test programs",
                       c->path);
    if (m->nchecks == 0)
        return rl_fail(err, RL_ERR_MANIFEST, "%s: add at least one [check ID] section", c->path);
    for (size_t i = 0; i < m->starter_fails.n; i++) {
        bool known = false;
        for (size_t k = 0; k < m->nchecks; k++)
            known = known || strcmp(m->checks[k].id, m->starter_fails.items[i]) == 0;
        if (!known)
            return rl_fail(err, RL_ERR_MANIFEST,
                           "%s: starter_fails names '%s', which is not a [check] of this lab",
                           c->path, m->starter_fails.items[i]);
    }
    for (size_t i = 0; i < m->nchecks; i++) {
        const lab_check *k = &m->checks[i];
        if ((int)k->kind < 0)
            return rl_fail(
                err, RL_ERR_MANIFEST,
                "%s: [check %s] needs kind = tests, race-free, mechanism, concurrency or scaling",
                c->path, k->id);
        if (k->points < 0)
            return rl_fail(err, RL_ERR_MANIFEST, "%s: [check %s] needs points = N", c->path, k->id);
        st = check_probe_keys(c->path, k, err);
        if (st != RL_OK)
            return st;
        for (int h = 0; h < TSAN_NKINDS && k->kind != CHECK_RACE_FREE; h++)
            if (k->kind_hints[h])
                return rl_fail(err, RL_ERR_MANIFEST,
                               "%s: [check %s] hint_%s: per-kind hints belong to race-free checks",
                               c->path, k->id, tsan_kind_key((tsan_kind)h));
    }
    return RL_OK;
}

/* Every named lab file must be a plain file in the lab folder, by a plain name. */
static rl_status check_files(const lab_manifest *m, const char *path, const strlist *files,
                             const char *key, rl_err *err)
{
    for (size_t i = 0; i < files->n; i++) {
        const char *name = files->items[i];
        if (strchr(name, '/') || name[0] == '.')
            return rl_fail(err, RL_ERR_MANIFEST,
                           "%s: %s = %s: name a file in the lab folder, without a path", path, key,
                           name);
        char *full = path_join(m->dir, name);
        bool ok = path_is_regular(full);
        free(full);
        if (!ok)
            return rl_fail(err, RL_ERR_MANIFEST, "%s: %s names %s, which is not in %s", path, key,
                           name, m->dir);
    }
    return RL_OK;
}

/* The number of the first line over MANIFEST_MAX_LINE characters or with a
 * NUL byte, or 0 when every line is fine. */
static int long_line(const char *text, size_t len)
{
    int line = 1;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && text[i] == '\0')
            return line;
        if (i == len || text[i] == '\n') {
            if (i - start > MANIFEST_MAX_LINE)
                return line;
            line++;
            start = i + 1;
        }
    }
    return 0;
}

rl_status manifest_parse_file(const char *path, const char *id, const char *dir,
                              const char *solution_dir, lab_manifest *out, rl_err *err)
{
    memset(out, 0, sizeof *out);
    out->id = xstrdup(id);
    out->dir = xstrdup(dir);
    out->solution_dir = xstrdup(solution_dir);
    out->trials = 8;
    out->timeout = 10;
    out->threads[0] = 2;
    out->threads[1] = 4;
    out->nthreads = 2;
    out->cflags = xstrdup("");
    out->ldflags = xstrdup("");
    out->hidden_visibility = manifest_visibilities[0];

    parse_ctx c = {.m = out, .path = path};
    char *text = NULL;
    size_t len = 0;
    bool too_big = false;
    if (file_read(path, MANIFEST_MAX_BYTES, &text, &len, &too_big, NULL) != RL_OK) {
        manifest_free(out);
        return rl_fail(err, RL_ERR_MANIFEST, "%s: cannot open; every lab folder needs a lab.ini",
                       path);
    }
    int line = too_big ? -1 : long_line(text, len);
    if (line != 0) {
        free(text);
        manifest_free(out);
        if (line < 0)
            return rl_fail(err, RL_ERR_MANIFEST, "%s: larger than 256 KiB; is it the right file?",
                           path);
        return rl_fail(err, RL_ERR_MANIFEST,
                       "%s:%d: line longer than %d characters or holds a NUL byte; shorten it",
                       path, line, MANIFEST_MAX_LINE);
    }
    /* Debian's inih reads its limits from globals: one value per line, on the heap */
    ini_use_stack = false;
    ini_max_line = MANIFEST_MAX_LINE + 3;
    ini_initial_alloc = MANIFEST_MAX_LINE + 3;
    ini_allow_realloc = false;
    ini_allow_multiline = false;
    ini_stop_on_first_error = true;
    line = ini_parse_string(text, on_entry, &c);
    free(text);
    rl_status st = RL_OK;
    if (line != 0)
        st = rl_fail(err, RL_ERR_MANIFEST, "%s:%d: %s", path, line,
                     c.error[0] ? c.error : "not a key = value line or [section]");
    if (st == RL_OK)
        st = check_complete(&c, err);
    if (st == RL_OK)
        st = check_files(out, path, &out->student_files, "student_files", err);
    if (st == RL_OK)
        st = check_files(out, path, &out->support, "support", err);
    if (st == RL_OK)
        st = check_files(out, path, &out->tests, "tests", err);
    if (st != RL_OK) {
        manifest_free(out);
        return st;
    }
    for (size_t i = 0; i < out->nchecks; i++)
        out->max_points += out->checks[i].points;
    return RL_OK;
}

rl_status manifest_load(const char *labs_root, const char *solutions_root, const char *id,
                        lab_manifest *out, rl_err *err)
{
    if (!*id || strchr(id, '/') || id[0] == '.')
        return rl_fail(err, RL_ERR_NOT_FOUND, "'%s' is not a lab name; see `racelab list`", id);
    char *dir = path_join(labs_root, id);
    char *ini = path_join(dir, "lab.ini");
    char *sol = path_join(solutions_root, id);
    rl_status st;
    if (!path_is_dir(dir))
        st = rl_fail(err, RL_ERR_NOT_FOUND, "no lab '%s' in %s; `racelab list` shows the labs", id,
                     labs_root);
    else
        st = manifest_parse_file(ini, id, dir, sol, out, err);
    free(dir);
    free(ini);
    free(sol);
    return st;
}

static void check_free(lab_check *k)
{
    free(k->id);
    free(k->title);
    free(k->hint);
    for (int i = 0; i < TSAN_NKINDS; i++)
        free(k->kind_hints[i]);
    strlist_free(&k->tests);
    strlist_free(&k->kinds);
    free(k->require);
}

void manifest_free(lab_manifest *m)
{
    free(m->id);
    free(m->dir);
    free(m->solution_dir);
    free(m->title);
    free(m->summary);
    strlist_free(&m->student_files);
    strlist_free(&m->support);
    strlist_free(&m->tests);
    strlist_free(&m->hidden_tests);
    strlist_free(&m->starter_fails);
    free(m->cflags);
    free(m->ldflags);
    for (size_t i = 0; i < m->nchecks; i++)
        check_free(&m->checks[i]);
    free(m->checks);
    memset(m, 0, sizeof *m);
}
