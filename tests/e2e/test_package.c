/*
 * test_package.c - end-to-end: the packages an instructor builds for a
 * class (harness/package/), each unpacked and used the way its users will.
 *
 * - `make handout`: the tarball holds no solutions/ folder, no hidden test
 *   and no file with the content of any file under solutions/; unpacked on
 *   its own it builds racelab and grades the starter (not full marks). Its
 *   guard refuses a tree with a hidden test or a solution copied into labs/.
 * - `make autograder`: the Gradescope zip, unpacked as /autograder/source
 *   of a simulated /autograder (AUTOGRADER_ROOT), runs setup.sh's build and
 *   then run_autograder on a solution (full marks), the starter (less), a
 *   submission that does not compile (0, every check still present) and
 *   nothing at all; with racelab missing or crashing it still writes a
 *   results.json scoring 0 that says why. LAB=01-bank grades that lab only.
 * - `make autolab`: the job folder Autolab makes (Makefile, autograde.tar,
 *   the handin) ends with {"scores": ...} for a handed-in file and for an
 *   archive.
 * - `make classroom`: the template repository has no solutions and a
 *   workflow with one step per lab worth the lab's points.
 *
 * racelab is built twice (the handout's tree and the Gradescope bundle's),
 * at -O0 to keep this file near half a minute on a 2-core machine; the
 * Autolab job reuses the bundle's build (make sees it current).
 */
#include "e2e.h"

#include "manifest.h"
#include "run.h"
#include "util.h"

#include <archive.h>
#include <archive_entry.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

static char *tmp;        /* this run's temporary folder */
static char *gradescope; /* the simulated /autograder, once built */
static char **lab_ids;
static int nlabs;

/* The harness's sources are built -O2 by every other test; here at -O0,
 * twice as fast, as the environment a make reads (CFLAGS ?= -O2 -g). */
static const char *const fast_build[] = {"CFLAGS=-O0 -g", NULL};

/* Runs a bash command line in cwd (the project when NULL), with extra
 * environment entries (NULL-terminated, may be NULL). */
static e2e_run sh(const char *cwd, const char *cmd, const char *const *env)
{
    strlist envp = {0};
    strlist_push(&envp, "PATH=/usr/local/bin:/usr/bin:/bin");
    strlist_push(&envp, "CI=true");
    for (size_t i = 0; env && env[i]; i++)
        strlist_push(&envp, env[i]);
    strlist_push_owned(&envp, NULL);
    const char *argv[] = {"/bin/bash", "-c", cmd, NULL};
    char *here = realpath(cwd ? cwd : ".", NULL);
    run_spec spec = {.argv = argv,
                     .envp = (const char *const *)envp.items,
                     .cwd = here,
                     .timeout = 300,
                     .output_cap = 4 << 20};
    run_outcome o;
    assert_int_equal(run_all(&spec, &o, 1, 1, NULL), RL_OK);
    e2e_run r = {.status = o.end == RUN_EXITED ? o.exit_code : -1, .output = o.output};
    o.output = NULL;
    run_outcome_free(&o);
    strlist_free(&envp);
    free(here);
    return r;
}

/* sh() that must exit with status want; prints the output otherwise. */
static void sh_expect(const char *cwd, const char *cmd, const char *const *env, int want)
{
    e2e_run r = sh(cwd, cmd, env);
    if (r.status != want)
        print_error("`%s` in %s: status %d, want %d\n%s\n", cmd, cwd ? cwd : ".", r.status, want,
                    r.output);
    assert_int_equal(r.status, want);
    e2e_run_free(&r);
}

/* Unpacks a .tar.gz or .zip into dest (which must exist) with libarchive,
 * keeping permissions; names gets every entry's path. */
static void extract(const char *archive_path, const char *dest, strlist *names)
{
    struct archive *a = archive_read_new();
    archive_read_support_format_all(a);
    archive_read_support_filter_all(a);
    assert_int_equal(archive_read_open_filename(a, archive_path, 65536), ARCHIVE_OK);
    struct archive_entry *e;
    int flags = ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                ARCHIVE_EXTRACT_SECURE_SYMLINKS;
    int rc;
    while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        char *name = xstrdup(archive_entry_pathname(e));
        size_t n = strlen(name);
        if (n && name[n - 1] == '/')
            name[n - 1] = '\0';
        assert_true(name[0] != '/'); /* the destination is prefixed below */
        strlist_push(names, name);
        char *to = path_join(dest, name);
        archive_entry_set_pathname(e, to);
        if (archive_read_extract(a, e, flags) != ARCHIVE_OK)
            fail_msg("%s: %s", to, archive_error_string(a));
        free(to);
        free(name);
    }
    assert_int_equal(rc, ARCHIVE_EOF);
    archive_read_free(a);
}

/* Every regular file below dir, as paths relative to it. */
static void walk(const char *dir, const char *rel, strlist *out)
{
    char *here = *rel ? path_join(dir, rel) : xstrdup(dir);
    strlist names = {0};
    dir_list(here, &names, NULL);
    for (size_t i = 0; i < names.n; i++) {
        char *r = *rel ? path_join(rel, names.items[i]) : xstrdup(names.items[i]);
        char *p = path_join(dir, r);
        if (path_is_dir(p))
            walk(dir, r, out);
        else if (path_is_regular(p))
            strlist_push(out, r);
        free(p);
        free(r);
    }
    strlist_free(&names);
    free(here);
}

static char *slurp(const char *path, size_t *len)
{
    char *text = NULL;
    bool cut = false;
    assert_int_equal(file_read(path, 64 << 20, &text, len, &cut, NULL), RL_OK);
    return text;
}

/* Fails when the tree at dir holds anything a student must not get: a
 * solutions/ folder, a file named as a hidden test of any lab (lab.ini's
 * hidden_tests), or a file whose content equals a file under solutions/. */
static void assert_nothing_secret(const char *dir)
{
    char *sol = path_join(dir, "solutions");
    assert_false(path_exists(sol));
    free(sol);
    strlist files = {0}, secret = {0};
    walk(dir, "", &files);
    assert_true(files.n > 50);
    for (int l = 0; l < nlabs; l++) {
        lab_manifest m;
        assert_int_equal(manifest_load("labs", "solutions", lab_ids[l], &m, NULL), RL_OK);
        assert_true(m.hidden_tests.n > 0);
        for (size_t h = 0; h < m.hidden_tests.n; h++)
            for (size_t i = 0; i < files.n; i++)
                if (strcmp(path_base(files.items[i]), m.hidden_tests.items[h]) == 0)
                    fail_msg("hidden test handed out: %s", files.items[i]);
        manifest_free(&m);
    }
    walk("solutions", "", &secret);
    assert_true(secret.n >= (size_t)nlabs * 2);
    for (size_t s = 0; s < secret.n; s++) {
        char *sp = path_join("solutions", secret.items[s]);
        size_t slen;
        char *stext = slurp(sp, &slen);
        for (size_t i = 0; slen && i < files.n; i++) {
            char *fp = path_join(dir, files.items[i]);
            size_t flen;
            char *ftext = slurp(fp, &flen);
            if (flen == slen && memcmp(ftext, stext, slen) == 0)
                fail_msg("%s has the content of %s", files.items[i], sp);
            free(ftext);
            free(fp);
        }
        free(stext);
        free(sp);
    }
    strlist_free(&files);
    strlist_free(&secret);
}

static void assert_has(const char *dir, const char *file)
{
    char *p = path_join(dir, file);
    if (!path_is_regular(p))
        fail_msg("missing: %s", p);
    free(p);
}

static void handout_holds_no_solutions_and_grades_the_starter(void **state)
{
    (void)state;
    char *cmd = xasprintf("make -s handout DIST=%s/dist", tmp);
    sh_expect(NULL, cmd, NULL, 0);
    free(cmd);

    char *tarball = xasprintf("%s/dist/racelab-handout.tar.gz", tmp);
    char *out = path_join(tmp, "unpacked");
    dir_make(out, NULL);
    strlist names = {0};
    extract(tarball, out, &names);
    for (size_t i = 0; i < names.n; i++) {
        const char *n = names.items[i];
        assert_true(strncmp(n, "racelab-handout", 15) == 0 && (n[15] == '/' || !n[15]));
        assert_null(strstr(n, "solutions"));
        assert_false(strncmp(n, "racelab-handout/tests", 21) == 0);
    }
    char *home = path_join(out, "racelab-handout");
    const char *want[] = {"Makefile",
                          "README.md",
                          "harness/install-deps.sh",
                          "harness/main.c",
                          "harness/probe/probe.c",
                          "harness/lab_support/racelab_lab.h",
                          "labs/01-bank/bank.c",
                          "labs/01-bank/bank.h",
                          "labs/01-bank/test_bank.c",
                          "labs/01-bank/lab.ini",
                          "labs/01-bank/README.md",
                          NULL};
    for (size_t i = 0; want[i]; i++)
        assert_has(home, want[i]);
    for (int l = 0; l < nlabs; l++) {
        char *ini = xasprintf("labs/%s/lab.ini", lab_ids[l]);
        assert_has(home, ini);
        free(ini);
    }
    assert_nothing_secret(home);

    /* a fresh machine's student: build, then grade the starter */
    chmod(tmp, 0755);
    sh_expect(home, "make -s build/racelab", fast_build, 0);
    e2e_run r = sh(home, "build/racelab check 01-bank --trials 1", NULL);
    if (r.status != 1)
        print_error("%s\n", r.output);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.output, "01-bank"));
    assert_non_null(strstr(r.output, "FAIL"));
    assert_non_null(strstr(r.output, "hidden tests are not on this machine"));
    e2e_run_free(&r);

    strlist_free(&names);
    free(home);
    free(out);
    free(tarball);
}

/* The handout's own guard: a hidden test, or a solution under another name,
 * left in labs/ stops `make handout` (in a copy of the project). */
static void handout_refuses_a_tree_with_secrets(void **state)
{
    (void)state;
    char *copy = path_join(tmp, "copy");
    char *cmd =
        xasprintf("mkdir -p %s && cp -r labs harness solutions Makefile README.md %s/", copy, copy);
    sh_expect(NULL, cmd, NULL, 0);
    free(cmd);
    const char *env[] = {"DIST=dist", NULL};
    sh_expect(copy, "make -s handout", env, 0);

    sh_expect(copy, "cp solutions/01-bank/test_bank_hidden.c labs/01-bank/", NULL, 0);
    e2e_run r = sh(copy, "make -s handout", env);
    assert_int_not_equal(r.status, 0);
    assert_non_null(strstr(r.output, "test_bank_hidden.c"));
    e2e_run_free(&r);

    sh_expect(copy,
              "rm labs/01-bank/test_bank_hidden.c && "
              "cp solutions/02-queue/queue.c labs/02-queue/notes.txt",
              NULL, 0);
    r = sh(copy, "make -s handout", env);
    assert_int_not_equal(r.status, 0);
    assert_non_null(strstr(r.output, "notes.txt"));
    e2e_run_free(&r);
    free(copy);
}

/* results.json of the simulated Gradescope: the fields Gradescope reads,
 * present and typed in every test entry. Returns the parsed file. */
static json_t *gradescope_results(void)
{
    char *path = xasprintf("%s/results/results.json", gradescope);
    json_t *root = e2e_json_file(path);
    if (!root)
        fail_msg("%s is missing or not JSON", path);
    free(path);
    assert_true(json_is_number(json_object_get(root, "score")));
    assert_true(json_is_string(json_object_get(root, "output")));
    json_t *tests = json_object_get(root, "tests");
    assert_true(json_array_size(tests) > 0);
    size_t i;
    json_t *t;
    json_array_foreach(tests, i, t)
    {
        assert_true(json_is_string(json_object_get(t, "name")));
        assert_true(json_is_number(json_object_get(t, "score")));
        assert_true(json_is_number(json_object_get(t, "max_score")));
        const char *status = json_string_value(json_object_get(t, "status"));
        assert_non_null(status);
        assert_true(strcmp(status, "passed") == 0 || strcmp(status, "failed") == 0);
    }
    return root;
}

/* Puts file (a path, or NULL for none) into the submission as bank.c and
 * runs run_autograder; returns results.json. */
static json_t *gradescope_grade(const char *file)
{
    char *cmd =
        file ? xasprintf("rm -rf %s/submission && mkdir -p %s/submission && "
                         "cp %s %s/submission/bank.c",
                         gradescope, gradescope, file, gradescope)
             : xasprintf("rm -rf %s/submission && mkdir -p %s/submission", gradescope, gradescope);
    sh_expect(NULL, cmd, NULL, 0);
    free(cmd);
    char *root = xasprintf("AUTOGRADER_ROOT=%s", gradescope);
    const char *env[] = {root, NULL};
    char *src = path_join(gradescope, "source");
    sh_expect(src, "./run_autograder", env, 0);
    free(src);
    free(root);
    return gradescope_results();
}

static double sum_max(json_t *root)
{
    double s = 0;
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(root, "tests"), i, t) s +=
        json_number_value(json_object_get(t, "max_score"));
    return s;
}

static void gradescope_bundle_grades_a_class(void **state)
{
    (void)state;
    char *cmd = xasprintf("make -s autograder DIST=%s/dist", tmp);
    sh_expect(NULL, cmd, NULL, 0);
    free(cmd);

    char *root = path_join(tmp, "autograder");
    char *src = path_join(root, "source");
    dir_make(src, NULL);
    chmod(tmp, 0755);
    chmod(root, 0755);
    char *zip = xasprintf("%s/dist/gradescope-autograder.zip", tmp);
    strlist names = {0};
    extract(zip, src, &names);
    assert_true(strlist_contains(&names, "setup.sh"));
    assert_true(strlist_contains(&names, "run_autograder"));
    assert_true(strlist_contains(&names, "Makefile"));
    for (const char *const *x = (const char *const[]){"setup.sh", "run_autograder", NULL}; *x;
         x++) {
        char *p = path_join(src, *x);
        struct stat st;
        assert_int_equal(stat(p, &st), 0);
        assert_true(st.st_mode & S_IXUSR);
        free(p);
    }
    /* the hidden tests of every lab, and nothing else from solutions/ */
    size_t from_solutions = 0;
    for (size_t i = 0; i < names.n; i++)
        if (strncmp(names.items[i], "solutions/", 10) == 0 && strchr(names.items[i] + 10, '/'))
            from_solutions++;
    assert_int_equal(from_solutions, (size_t)nlabs);
    for (int l = 0; l < nlabs; l++) {
        lab_manifest m;
        assert_int_equal(manifest_load("labs", "solutions", lab_ids[l], &m, NULL), RL_OK);
        char *hidden = xasprintf("solutions/%s/%s", m.id, m.hidden_tests.items[0]);
        assert_true(strlist_contains(&names, hidden));
        free(hidden);
        manifest_free(&m);
    }
    for (size_t i = 0; i < names.n; i++)
        assert_false(strncmp(names.items[i], "tests/", 6) == 0);

    /* setup.sh as Gradescope runs it (the packages are here: no apt) */
    sh_expect(src, "./setup.sh", fast_build, 0);
    gradescope = root;

    json_t *r = gradescope_grade("solutions/01-bank/bank.c");
    assert_true(json_array_size(json_object_get(r, "tests")) == 3);
    assert_true(json_number_value(json_object_get(r, "score")) == 100);
    assert_true(sum_max(r) == 100);
    assert_null(strstr(json_string_value(json_object_get(r, "output")), "hidden tests are not"));
    json_decref(r);

    r = gradescope_grade("labs/01-bank/bank.c");
    double starter = json_number_value(json_object_get(r, "score"));
    assert_true(starter >= 0 && starter < 100);
    assert_true(sum_max(r) == 100);
    json_decref(r);

    char *broken = path_join(tmp, "broken.c");
    assert_int_equal(file_write(broken, "int deposit( {\n", 15, NULL), RL_OK);
    r = gradescope_grade(broken);
    assert_true(json_number_value(json_object_get(r, "score")) == 0);
    assert_true(json_array_size(json_object_get(r, "tests")) == 3);
    assert_non_null(strstr(json_string_value(json_object_get(r, "output")), "compile"));
    json_decref(r);
    free(broken);

    /* nothing submitted: every lab reported, as not submitted */
    r = gradescope_grade(NULL);
    assert_true(json_number_value(json_object_get(r, "score")) == 0);
    assert_true(json_array_size(json_object_get(r, "tests")) > 3);
    json_decref(r);

    strlist_free(&names);
    free(zip);
    free(src);
}

static void gradescope_writes_results_when_racelab_fails(void **state)
{
    (void)state;
    assert_non_null(gradescope);
    char *src = path_join(gradescope, "source");
    sh_expect(src, "mv build/racelab build/racelab.real", NULL, 0);

    json_t *r = gradescope_grade("solutions/01-bank/bank.c");
    assert_true(json_number_value(json_object_get(r, "score")) == 0);
    assert_non_null(strstr(json_string_value(json_object_get(r, "output")), "not built"));
    json_decref(r);

    /* a crash, after output that would break hand-written JSON */
    static const char crash[] = "#!/bin/sh\n"
                                "echo 'quote\" back\\ \033[1m <b>'\n"
                                "kill -SEGV $$\n";
    char *fake = path_join(src, "build/racelab");
    assert_int_equal(file_write(fake, crash, strlen(crash), NULL), RL_OK);
    chmod(fake, 0755);
    free(fake);
    r = gradescope_grade("solutions/01-bank/bank.c");
    assert_true(json_number_value(json_object_get(r, "score")) == 0);
    const char *out = json_string_value(json_object_get(r, "output"));
    assert_non_null(strstr(out, "signal 11"));
    assert_non_null(strstr(out, "quote"));
    json_decref(r);

    free(src);
}

/* Puts the real racelab back, also when the test above failed midway. */
static int restore_racelab(void **state)
{
    (void)state;
    if (gradescope) {
        e2e_run r = sh(gradescope,
                       "cd source/build && [ ! -e racelab.real ] || "
                       "mv -f racelab.real racelab",
                       NULL);
        e2e_run_free(&r);
    }
    return 0;
}

static void gradescope_bundle_for_one_lab(void **state)
{
    (void)state;
    assert_non_null(gradescope);
    char *cmd = xasprintf("make -s autograder DIST=%s/dist-one LAB=01-bank", tmp);
    sh_expect(NULL, cmd, NULL, 0);
    free(cmd);
    /* the rest of the bundle is the same: use its run_autograder only */
    char *zip = xasprintf("%s/dist-one/gradescope-autograder.zip", tmp);
    char *one = path_join(tmp, "one");
    dir_make(one, NULL);
    strlist names = {0};
    extract(zip, one, &names);
    cmd = xasprintf("cp %s/run_autograder %s/source/run_autograder", one, gradescope);
    sh_expect(NULL, cmd, NULL, 0);
    free(cmd);

    json_t *r = gradescope_grade(NULL);
    json_t *tests = json_object_get(r, "tests");
    assert_int_equal(json_array_size(tests), 3);
    size_t i;
    json_t *t;
    json_array_foreach(tests, i, t)
        assert_true(strncmp(json_string_value(json_object_get(t, "name")), "01-bank: ", 9) == 0);
    assert_non_null(strstr(json_string_value(json_object_get(r, "output")), "not found"));
    json_decref(r);

    e2e_run bad = sh(NULL, "make -s autograder DIST=/nonexistent LAB=99-nope", NULL);
    assert_int_not_equal(bad.status, 0);
    assert_non_null(strstr(bad.output, "no lab '99-nope'"));
    e2e_run_free(&bad);

    strlist_free(&names);
    free(one);
    free(zip);
}

/* The last line of an Autolab job's output, parsed; its score for 01-bank. */
static double autolab_job(const char *job, const char *handin, const char *as)
{
    char *cmd = xasprintf("mkdir -p %s && cp %s/dist/autolab/autograde-Makefile %s/Makefile && "
                          "cp %s/dist/autolab/autograde.tar %s/ && cp %s %s/%s",
                          job, tmp, job, tmp, job, handin, job, as);
    sh_expect(NULL, cmd, NULL, 0);
    free(cmd);
    if (gradescope) { /* the bundle's build, newer than the sources: nothing to rebuild */
        cmd = xasprintf("mkdir -p %s/racelab && cp -a %s/source/build %s/racelab/", job, gradescope,
                        job);
        sh_expect(NULL, cmd, NULL, 0);
        free(cmd);
    }
    e2e_run r = sh(job, "make", NULL);
    if (r.status != 0)
        print_error("%s\n", r.output);
    assert_int_equal(r.status, 0);
    size_t n = strlen(r.output);
    while (n && r.output[n - 1] == '\n')
        r.output[--n] = '\0';
    char *last = strrchr(r.output, '\n');
    json_error_t e;
    json_t *j = json_loads(last ? last + 1 : r.output, 0, &e);
    if (!j)
        print_error("no scores line:\n%s\n", r.output);
    assert_non_null(j);
    json_t *s = json_object_get(json_object_get(j, "scores"), "01-bank");
    assert_true(json_is_number(s));
    double score = json_number_value(s);
    json_decref(j);
    e2e_run_free(&r);
    return score;
}

static void autolab_job_ends_with_scores(void **state)
{
    (void)state;
    char *cmd = xasprintf("make -s autolab DIST=%s/dist LAB=01-bank", tmp);
    sh_expect(NULL, cmd, NULL, 0);
    free(cmd);
    char *job = path_join(tmp, "autolab-job");
    assert_true(autolab_job(job, "solutions/01-bank/bank.c", "bank.c") == 100);

    /* a handin that is an archive, the lab in a folder of its own */
    char *tgz = path_join(tmp, "handin.tar.gz");
    cmd = xasprintf("d=$(mktemp -d) && mkdir $d/01-bank && cp labs/01-bank/bank.c $d/01-bank/ && "
                    "tar czf %s -C $d 01-bank && rm -rf $d",
                    tgz);
    sh_expect(NULL, cmd, NULL, 0);
    free(cmd);
    char *job2 = path_join(tmp, "autolab-job2");
    double starter = autolab_job(job2, tgz, "handin.tar.gz");
    assert_true(starter >= 0 && starter < 100);
    free(job2);
    free(tgz);
    free(job);
}

static void classroom_template_grades_every_lab(void **state)
{
    (void)state;
    char *cmd = xasprintf("make -s classroom DIST=%s/dist", tmp);
    sh_expect(NULL, cmd, NULL, 0);
    free(cmd);
    char *repo = xasprintf("%s/dist/classroom", tmp);
    assert_nothing_secret(repo);
    assert_has(repo, "Makefile");
    assert_has(repo, "labs/01-bank/bank.c");
    char *yml = path_join(repo, ".github/workflows/classroom.yml");
    size_t len;
    char *text = slurp(yml, &len);
    strbuf runners;
    sb_init(&runners);
    for (int l = 0; l < nlabs; l++) {
        lab_manifest m;
        assert_int_equal(manifest_load("labs", "solutions", lab_ids[l], &m, NULL), RL_OK);
        char *step = xasprintf("        id: lab-%s\n"
                               "        uses: classroom-resources/autograding-command-grader@v1\n"
                               "        with:\n"
                               "          test-name: %s\n"
                               "          setup-command: harness/install-deps.sh && make -s "
                               "build/racelab\n"
                               "          command: build/racelab check %s\n"
                               "          timeout: 10\n"
                               "          max-score: %g\n",
                               m.id, m.id, m.id, m.max_points);
        if (!strstr(text, step))
            fail_msg("no step for %s in:\n%s", m.id, text);
        sb_printf(&runners, "%slab-%s", l ? "," : "", m.id);
        free(step);
        manifest_free(&m);
    }
    char *line = xasprintf("runners: %s\n", runners.data);
    assert_non_null(strstr(text, line));
    assert_non_null(
        strstr(text, "LAB-01-BANK_RESULTS: \"${{ steps.lab-01-bank.outputs.result }}\""));
    free(line);
    sb_free(&runners);
    free(text);
    free(yml);
    free(repo);
}

int main(void)
{
    lab_ids = e2e_lab_ids(&nlabs);
    tmp = e2e_tempdir();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(handout_holds_no_solutions_and_grades_the_starter),
        cmocka_unit_test(handout_refuses_a_tree_with_secrets),
        cmocka_unit_test(gradescope_bundle_grades_a_class),
        cmocka_unit_test_teardown(gradescope_writes_results_when_racelab_fails, restore_racelab),
        cmocka_unit_test(gradescope_bundle_for_one_lab),
        cmocka_unit_test(autolab_job_ends_with_scores),
        cmocka_unit_test(classroom_template_grades_every_lab),
    };
    int rc = cmocka_run_group_tests_name("e2e_package", tests, NULL, NULL);
    e2e_rmtree(tmp);
    free(tmp);
    free(gradescope);
    for (int i = 0; i < nlabs; i++)
        free(lab_ids[i]);
    free(lab_ids);
    return rc;
}
