/*
 * cmd_new.c - `racelab new NAME [--from LAB]`: scaffolds a lab. It makes
 * labs/NN-NAME/ (README.md, lab.ini, the starter, the API header, the
 * visible test program) and solutions/NN-NAME/ (the reference solution and
 * the hidden test program), NN the next free number, either from the
 * built-in template (lab_template.h: a racy counter that `racelab validate`
 * proves at once) or as a copy of LAB whose file names, lab id and header
 * guard follow the new name.
 *
 * It never overwrites: both folders must be new (mkdir, not mkdir -p) and
 * every file is created with O_EXCL; when anything fails, the folders it
 * made are removed again, so a failed `new` leaves nothing behind.
 */
#include "cli.h"
#include "commands.h"
#include "lab_template.h"
#include "manifest.h"
#include "session.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
    "usage: racelab new NAME [--from LAB]\n"
    "Scaffolds a lab: labs/NN-NAME/ (README.md, lab.ini, NAME.c the starter, NAME.h\n"
    "the API, test_NAME.c the visible tests) and solutions/NN-NAME/ (NAME.c the\n"
    "reference solution, test_NAME_hidden.c the hidden tests), NN the next free\n"
    "number. A '-' in NAME is '_' in file names (hit-counter: hit_counter.c).\n"
    "  (default)   a racy shared counter: the starter has a data race, the solution\n"
    "              a mutex, so `racelab validate NN-NAME` passes at once; rewrite it\n"
    "              into your lab from there\n"
    "  --from LAB  a copy of labs/LAB and solutions/LAB, with the student file's\n"
    "              name, the lab id and the header guard changed to the new name\n"
    "NAME: lower-case letters, digits and '-', starting with a letter, at most 40\n"
    "characters, not the name of an existing lab. Nothing is ever overwritten.\n"
    "Then: labs/README.md (\"Writing a new lab\"), and `racelab validate NN-NAME`.\n"
    "Exit status: 0 created, 2 bad name or LAB, 3 the files could not be written.\n";

#define NAME_MAX_LEN 40

/* Headers a lab file must not be named after: with -I. the lab's folder is
 * searched first, so a lab's time.h would hide <time.h> from pthread.h. */
static const char *const reserved_stems[] = {
    "assert",  "complex", "ctype",  "errno",   "fenv",   "float",       "inttypes", "iso646",
    "limits",  "locale",  "math",   "setjmp",  "signal", "stdalign",    "stdarg",   "stdatomic",
    "stdbool", "stddef",  "stdint", "stdio",   "stdlib", "stdnoreturn", "string",   "tgmath",
    "threads", "time",    "uchar",  "wchar",   "wctype", "pthread",     "sched",    "semaphore",
    "unistd",  "fcntl",   "poll",   "strings", "cmocka", "racelab_lab", "probe",    NULL};

/* Checks NAME; fills the file stem ('-' as '_'). */
static rl_status check_name(const char *name, char **stem, rl_err *err)
{
    size_t len = strlen(name);
    bool ok = len > 0 && len <= NAME_MAX_LEN && islower((unsigned char)name[0]) &&
              name[len - 1] != '-' && !strstr(name, "--");
    for (size_t i = 0; ok && i < len; i++)
        ok = islower((unsigned char)name[i]) || isdigit((unsigned char)name[i]) || name[i] == '-';
    if (!ok) {
        if (len && isdigit((unsigned char)name[0]))
            return rl_fail(err, RL_ERR_USAGE,
                           "'%.60s': give the name without its number (racelab numbers the "
                           "lab): racelab new hit-counter",
                           name);
        return rl_fail(err, RL_ERR_USAGE,
                       "'%.60s': a lab name is lower-case letters, digits and single '-', "
                       "starting with a letter, at most %d characters (e.g. hit-counter)",
                       name, NAME_MAX_LEN);
    }
    *stem = xstrdup(name);
    for (char *p = *stem; *p; p++)
        if (*p == '-')
            *p = '_';
    char *system = xasprintf("/usr/include/%s.h", *stem);
    bool shadows = path_exists(system);
    free(system);
    for (size_t i = 0; reserved_stems[i] && !shadows; i++)
        shadows = strcmp(*stem, reserved_stems[i]) == 0;
    if (shadows) {
        rl_status st = rl_fail(err, RL_ERR_USAGE,
                               "'%s': the lab's %s.h would hide the system header <%s.h> from "
                               "the compiler; choose another name",
                               name, *stem, *stem);
        free(*stem);
        *stem = NULL;
        return st;
    }
    return RL_OK;
}

/* The number in front of a lab folder's name ("16-x" -> 16), or -1. */
static int lab_number(const char *folder, const char **rest)
{
    char *end = NULL;
    if (!isdigit((unsigned char)folder[0]))
        return -1;
    long n = strtol(folder, &end, 10);
    if (*end != '-' || n > 100000)
        return -1;
    *rest = end + 1;
    return (int)n;
}

/* Finds the next free number, and fails when a lab named name exists. */
static rl_status survey(const char *const dirs[2], const char *name, int *next, rl_err *err)
{
    int max = 0;
    for (int d = 0; d < 2; d++) {
        strlist names = {0};
        if (path_is_dir(dirs[d]) && dir_list(dirs[d], &names, err) != RL_OK)
            return RL_ERR_IO;
        for (size_t i = 0; i < names.n; i++) {
            const char *rest = NULL;
            int n = lab_number(names.items[i], &rest);
            if (n < 0)
                continue;
            if (strcmp(rest, name) == 0) {
                rl_status st = rl_fail(err, RL_ERR_USAGE,
                                       "a lab named %s exists already: %s/%s; choose another name",
                                       name, dirs[d], names.items[i]);
                strlist_free(&names);
                return st;
            }
            if (n > max)
                max = n;
        }
        strlist_free(&names);
    }
    *next = max + 1;
    return RL_OK;
}

/* text with every token from[i] (not inside a longer identifier) replaced
 * by to[i]; longer patterns are tried first. New string. */
static char *replace_tokens(const char *text, size_t len, const strlist *from, const strlist *to)
{
    strbuf sb;
    sb_init(&sb);
    for (size_t i = 0; i < len;) {
        bool start = i == 0 || !(isalnum((unsigned char)text[i - 1]) || text[i - 1] == '_');
        size_t best = from->n;
        for (size_t k = 0; start && k < from->n; k++) {
            size_t n = strlen(from->items[k]);
            char after = i + n < len ? text[i + n] : '\0';
            if (n && i + n <= len && memcmp(text + i, from->items[k], n) == 0 &&
                !(isalnum((unsigned char)after) || after == '_') &&
                (best == from->n || n > strlen(from->items[best])))
                best = k;
        }
        if (best < from->n) {
            sb_append(&sb, to->items[best]);
            i += strlen(from->items[best]);
        } else {
            sb_appendn(&sb, text + i, 1);
            i++;
        }
    }
    return sb_take(&sb);
}

/* What the new lab is called, and the replacements that make it. */
typedef struct {
    const char *root;
    char *id;         /* "16-hit-counter" */
    char *stem;       /* "hit_counter" */
    char *guard;      /* "HIT_COUNTER_H" */
    strlist made;     /* folders created, removed again on failure */
    strlist from, to; /* token replacements for file names and texts */
} scaffold;

/* Makes a new folder (its parent must exist); remembers it. */
static rl_status make_folder(scaffold *sc, const char *path, rl_err *err)
{
    if (mkdir(path, 0755) != 0)
        return rl_fail(err, errno == EEXIST ? RL_ERR_USAGE : RL_ERR_IO, "%s: %s", path,
                       errno == EEXIST ? "exists already; racelab new never overwrites"
                                       : strerror(errno));
    strlist_push(&sc->made, path);
    return RL_OK;
}

/* The template's text with its placeholders filled in. New string. */
static char *fill_placeholders(const scaffold *sc, const char *text)
{
    const char *const keys[] = {"@ID@", "@STEM@", "@GUARD@"};
    const char *const values[] = {sc->id, sc->stem, sc->guard};
    strbuf sb;
    sb_init(&sb);
    while (*text) {
        size_t k = 0;
        while (k < 3 && strncmp(text, keys[k], strlen(keys[k])) != 0)
            k++;
        if (k < 3) {
            sb_append(&sb, values[k]);
            text += strlen(keys[k]);
        } else {
            sb_appendn(&sb, text++, 1);
        }
    }
    return sb_take(&sb);
}

static rl_status write_template(scaffold *sc, strlist *created, rl_err *err)
{
    rl_status st = RL_OK;
    for (size_t i = 0; st == RL_OK && lab_template_files[i].path; i++) {
        const lab_template_file *f = &lab_template_files[i];
        char *rel = fill_placeholders(sc, f->path);
        char *text = fill_placeholders(sc, f->text);
        char *path = path_join(sc->root, rel);
        st = file_create(path, text, strlen(text), err);
        strlist_push(created, rel);
        free(rel);
        free(text);
        free(path);
    }
    return st;
}

/* A file name with the old stem replaced where it stands between
 * non-alphanumeric characters ("test_bank_hidden.c" -> "test_x_hidden.c"). */
static char *rename_file(const char *name, const char *old_stem, const char *new_stem)
{
    strbuf sb;
    sb_init(&sb);
    size_t n = strlen(old_stem), len = strlen(name);
    for (size_t i = 0; i < len;) {
        bool start = i == 0 || !isalnum((unsigned char)name[i - 1]);
        bool end = i + n >= len || !isalnum((unsigned char)name[i + n]);
        if (n && start && i + n <= len && end && memcmp(name + i, old_stem, n) == 0) {
            sb_append(&sb, new_stem);
            i += n;
        } else {
            sb_appendn(&sb, name + i, 1);
            i++;
        }
    }
    return sb_take(&sb);
}

/* Copies the regular files of from_dir into the new folder to_dir (made
 * here), renamed, with the replacements applied to text files; recurses
 * into folders, skips anything else with a line on stderr. */
static rl_status copy_folder(scaffold *sc, const char *from_dir, const char *to_dir,
                             const char *old_stem, const char *rel, strlist *created, rl_err *err)
{
    strlist names = {0};
    rl_status st = dir_list(from_dir, &names, err);
    for (size_t i = 0; st == RL_OK && i < names.n; i++) {
        char *src = path_join(from_dir, names.items[i]);
        char *name = rename_file(names.items[i], old_stem, sc->stem);
        char *dst = path_join(to_dir, name);
        char *shown = path_join(rel, name);
        struct stat sb;
        if (lstat(src, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            st = make_folder(sc, dst, err);
            if (st == RL_OK)
                st = copy_folder(sc, src, dst, old_stem, shown, created, err);
        } else if (lstat(src, &sb) == 0 && S_ISREG(sb.st_mode)) {
            char *data = NULL;
            size_t len = 0;
            bool cut = false;
            st = file_read(src, 16 << 20, &data, &len, &cut, err);
            if (st == RL_OK && !memchr(data, '\0', len)) {
                char *text = replace_tokens(data, len, &sc->from, &sc->to);
                free(data);
                data = text;
                len = strlen(text);
            }
            if (st == RL_OK)
                st = file_create(dst, data, len, err);
            strlist_push(created, shown);
            free(data);
        } else {
            fprintf(stderr, "racelab: %s: not a regular file; not copied\n", src);
        }
        free(src);
        free(name);
        free(dst);
        free(shown);
    }
    strlist_free(&names);
    return st;
}

/* The replacements that turn LAB into the new lab: each renamed file's
 * name, the lab id, the header guard. */
static void copy_replacements(scaffold *sc, const lab_manifest *m, const char *old_stem,
                              const char *const dirs[2])
{
    for (int d = 0; d < 2; d++) {
        strlist names = {0};
        if (path_is_dir(dirs[d]))
            dir_list(dirs[d], &names, NULL);
        for (size_t i = 0; i < names.n; i++) {
            char *renamed = rename_file(names.items[i], old_stem, sc->stem);
            if (strcmp(renamed, names.items[i]) != 0 &&
                !strlist_contains(&sc->from, names.items[i])) {
                strlist_push(&sc->from, names.items[i]);
                strlist_push(&sc->to, renamed);
            }
            free(renamed);
        }
        strlist_free(&names);
    }
    strlist_push(&sc->from, m->id);
    strlist_push(&sc->to, sc->id);
    char *old_guard = xasprintf("%s_H", old_stem);
    for (char *p = old_guard; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    strlist_push_owned(&sc->from, old_guard);
    strlist_push(&sc->to, sc->guard);
}

static rl_status copy_lab(scaffold *sc, const session *s, const char *lab, strlist *created,
                          rl_err *err)
{
    lab_manifest m;
    if (manifest_load(s->labs_root, s->solutions_root, lab, &m, err) != RL_OK)
        return RL_ERR_USAGE;
    const char *first = m.student_files.n ? m.student_files.items[0] : "";
    size_t n = strlen(first);
    char *old_stem =
        n > 2 && strcmp(first + n - 2, ".c") == 0 ? xstrndup(first, n - 2) : xstrdup(first);
    const char *const src[2] = {m.dir, m.solution_dir};
    copy_replacements(sc, &m, old_stem, src);
    rl_status st = RL_OK;
    for (int d = 0; st == RL_OK && d < 2; d++) {
        char *rel = xasprintf("%s/%s", d == 0 ? "labs" : "solutions", sc->id);
        char *dst = path_join(sc->root, rel);
        st = make_folder(sc, dst, err);
        if (st == RL_OK && path_is_dir(src[d]))
            st = copy_folder(sc, src[d], dst, old_stem, rel, created, err);
        free(rel);
        free(dst);
    }
    free(old_stem);
    manifest_free(&m);
    return st;
}

/* Prints what was made, one line per folder. */
static void say_created(const strlist *created, const char *id)
{
    for (int d = 0; d < 2; d++) {
        const char *top = d == 0 ? "labs/" : "solutions/";
        printf("created %s%s:", top, id);
        for (size_t i = 0; i < created->n; i++)
            if (strncmp(created->items[i], top, strlen(top)) == 0)
                printf(" %s", created->items[i] + strlen(top) + strlen(id) + 1);
        printf("\n");
    }
    printf("next: write the lab (labs/README.md, \"Writing a new lab\"), then prove it:\n"
           "  build/racelab validate %s\n",
           id);
}

static void scaffold_free(scaffold *sc)
{
    free(sc->id);
    free(sc->stem);
    free(sc->guard);
    strlist_free(&sc->made);
    strlist_free(&sc->from);
    strlist_free(&sc->to);
}

int cmd_new(int argc, char **argv)
{
    cli_options o;
    int rc0 = cli_start(argc, argv, CLI_PATHS_POSITIONAL | CLI_FROM, usage, &o);
    if (rc0 >= 0)
        return rc0;
    rl_err err = {{0}};
    session s = {0};
    scaffold sc = {0};
    strlist created = {0};
    int rc = 2, number = 0;
    if (o.paths.n != 1) {
        rl_fail(&err, RL_ERR_USAGE, "new takes one NAME (got %zu); see `racelab new --help`",
                o.paths.n);
        goto fail;
    }
    if (check_name(o.paths.items[0], &sc.stem, &err) != RL_OK ||
        session_open(&s, &o, &err) != RL_OK)
        goto fail;
    const char *const dirs[2] = {s.labs_root, s.solutions_root};
    rl_status st = survey(dirs, o.paths.items[0], &number, &err);
    if (st != RL_OK) {
        rc = st == RL_ERR_USAGE ? 2 : 3;
        goto fail;
    }
    sc.root = s.root;
    sc.id = xasprintf("%02d-%s", number, o.paths.items[0]);
    sc.guard = xasprintf("%s_H", sc.stem);
    for (char *p = sc.guard; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    st = dir_make(s.solutions_root, &err);
    if (st == RL_OK && o.from) {
        st = copy_lab(&sc, &s, o.from, &created, &err);
    } else if (st == RL_OK) {
        char *lab_dir = path_join(s.labs_root, sc.id),
             *sol_dir = path_join(s.solutions_root, sc.id);
        st = make_folder(&sc, lab_dir, &err);
        if (st == RL_OK)
            st = make_folder(&sc, sol_dir, &err);
        if (st == RL_OK)
            st = write_template(&sc, &created, &err);
        free(lab_dir);
        free(sol_dir);
    }
    if (st != RL_OK) {
        rc = st == RL_ERR_USAGE ? 2 : 3;
        for (size_t i = sc.made.n; i-- > 0;)
            dir_remove_tree(sc.made.items[i], NULL);
        goto fail;
    }
    say_created(&created, sc.id);
    lab_manifest m;
    if (manifest_load(s.labs_root, s.solutions_root, sc.id, &m, &err) == RL_OK)
        manifest_free(&m);
    else
        fprintf(stderr, "racelab: warning: the new lab.ini does not load yet: %s\n", err.msg);
    rc = 0;
    goto done;
fail:
    fprintf(stderr, "racelab: %s\n", err.msg);
done:
    strlist_free(&created);
    scaffold_free(&sc);
    session_close(&s);
    cli_options_free(&o);
    return rc;
}
