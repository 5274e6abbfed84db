/*
 * build.c - lays out and compiles a lab (see build.h), in three rounds of
 * parallel commands: compile (the student's objects and the probe), rename
 * (objcopy routes the student's primitives through the probe), link (one
 * binary per test program).
 */
#include "build.h"

#include "object_cache.h"
#include "probe_read.h"
#include "run.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUILD_LOG_CAP (64 * 1024)
#define BUILD_TIMEOUT 120.0
#define PROBE_OBJECT "racelab-probe.o"
#define SCHEDULE_OBJECT "racelab-probe-schedule.o"
#define PROBE_STEPS 2        /* the first steps of round 1 build the probe */
#define OWN_FILES ".racelab" /* the harness's files a build needs, copied in */
#define RENAME_MAP "racelab-probe.syms"

static const char *const tsan_flags[] = {"-fsanitize=thread", "-g", "-O1",
                                         "-fno-omit-frame-pointer", NULL};
static const char *const plain_flags[] = {"-O2", "-g", NULL};

/* One command of a round, and how it ended. */
typedef struct {
    strlist argv;
    run_outcome out;
    bool secret;      /* builds a hidden test: its messages would show the test's code */
    bool done;        /* its output came from the object cache: not run */
    char *cache_key;  /* the object cache's key of what it makes, or NULL */
    const char *made; /* the file it makes (for the cache) */
} step;

/* Copies what the build needs from the harness (the lab support header, the
 * probe's source) into src/.racelab, so that the compiler, which runs in
 * the sandbox with the project folder hidden, finds it there. */
static rl_status copy_own_files(const build_env *env, const char *src, rl_err *err)
{
    char *own = path_join(src, OWN_FILES);
    char *probe_dir = xstrdup(env->probe_source), *slash = strrchr(probe_dir, '/');
    if (slash)
        *slash = '\0';
    const char *from_dirs[] = {env->support_dir, probe_dir, probe_dir, probe_dir, probe_dir};
    const char *names[] = {"racelab_lab.h", "probe.h", "probe.c", "probe_schedule.h",
                           "probe_schedule.c"};
    rl_status st = dir_make(own, err);
    for (size_t i = 0; st == RL_OK && i < sizeof names / sizeof names[0]; i++) {
        char *from = path_join(from_dirs[i], names[i]), *to = path_join(own, names[i]);
        st = file_copy(from, to, err);
        free(from);
        free(to);
    }
    free(probe_dir);
    free(own);
    return st;
}

/* Copies the hidden test programs in, once the student's objects are
 * compiled: the student's code is never compiled beside them, so it cannot
 * #include or .incbin them. */
static rl_status add_hidden_tests(const lab_manifest *lab, const char *src, build_result *out,
                                  rl_err *err)
{
    rl_status st = RL_OK;
    for (size_t i = 0; st == RL_OK && i < lab->hidden_tests.n; i++) {
        char *from = path_join(lab->solution_dir, lab->hidden_tests.items[i]);
        char *to = path_join(src, lab->hidden_tests.items[i]);
        if (path_is_regular(from))
            st = file_copy(from, to, err);
        else
            out->hidden_missing = true;
        free(from);
        free(to);
    }
    return st;
}

/* Copies the lab's plain files, then the student's. */
static rl_status lay_out(const lab_manifest *lab, const strlist *student_paths, bool with_hidden,
                         const char *src, const build_env *env, build_result *out, rl_err *err)
{
    strlist names = {0};
    rl_status st = dir_list(lab->dir, &names, err);
    for (size_t i = 0; st == RL_OK && i < names.n; i++) {
        char *from = path_join(lab->dir, names.items[i]);
        char *to = path_join(src, names.items[i]);
        if (path_is_regular(from) && !strlist_contains(&lab->student_files, names.items[i]))
            st = file_copy(from, to, err);
        free(from);
        free(to);
    }
    strlist_free(&names);
    for (size_t i = 0; st == RL_OK && i < student_paths->n; i++) {
        char *to = path_join(src, lab->student_files.items[i]);
        st = file_copy(student_paths->items[i], to, err);
        free(to);
    }
    if (st == RL_OK)
        st = copy_own_files(env, src, err);
    if (st == RL_OK) {
        char *map = probe_rename_map(), *path = path_join(src, RENAME_MAP);
        st = file_write(path, map, strlen(map), err);
        free(map);
        free(path);
    }
    return st;
}

static bool is_c_file(const char *name)
{
    size_t n = strlen(name);
    return n > 2 && strcmp(name + n - 2, ".c") == 0;
}

static char *program_name(const char *test_file)
{
    size_t n = strlen(test_file);
    return xstrndup(test_file, is_c_file(test_file) ? n - 2 : n);
}

/* The compiler and the flags every student-facing command shares. */
static void compiler_head(const lab_manifest *lab, const build_env *env, build_variant variant,
                          strlist *argv)
{
    strlist_push(argv, env->tc->cc);
    strlist_push(argv, "-std=gnu11");
    for (const char *const *f = variant == BUILD_TSAN ? tsan_flags : plain_flags; *f; f++)
        strlist_push(argv, *f);
    strlist_push(argv, "-pthread");
    strlist_push(argv, "-Wall");
    strlist_push(argv, "-Wextra");
    strlist_push(argv, "-fdiagnostics-color=never");
    strlist_push(argv, "-I.");
    strlist_push(argv, "-I" OWN_FILES);
    strlist_split(argv, lab->cflags);
}

static step *add_step(step **steps, size_t *n)
{
    *steps = xrealloc(*steps, (*n + 1) * sizeof **steps);
    memset(&(*steps)[*n], 0, sizeof **steps);
    return &(*steps)[(*n)++];
}

/* Runs every step of a round in the folder src, in the build's sandbox. */
static rl_status run_round(step *steps, size_t n, const char *src, const build_env *env,
                           rl_err *err)
{
    static const char *const envp[] = {"PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C", NULL};
    run_spec *specs = xcalloc(n ? n : 1, sizeof *specs);
    run_outcome *outs = xcalloc(n ? n : 1, sizeof *outs);
    size_t nrun = 0;
    for (size_t i = 0; i < n; i++) {
        strlist_push_owned(&steps[i].argv, NULL);
        if (steps[i].done)
            continue;
        specs[nrun++] = (run_spec){.argv = (const char *const *)steps[i].argv.items,
                                   .envp = envp,
                                   .cwd = src,
                                   .timeout = BUILD_TIMEOUT,
                                   .output_cap = BUILD_LOG_CAP,
                                   .sandbox = env->sandbox};
    }
    rl_status st = run_all(specs, outs, nrun, env->jobs, err);
    for (size_t i = 0, k = 0; i < n; i++)
        if (steps[i].done)
            steps[i].out = (run_outcome){.end = RUN_EXITED, .exit_code = 0};
        else
            steps[i].out = outs[k++];
    free(specs);
    free(outs);
    return st;
}

static bool step_failed(const step *s)
{
    return s->out.end != RUN_EXITED || s->out.exit_code != 0;
}

/* Keeps, in log, the output of the first failed step (a student's error
 * shows up the same in every program), else, when log is still empty, of
 * the first step that printed anything (warnings). Returns whether every
 * step succeeded. */
static bool keep_log(const step *steps, size_t n, strbuf *log)
{
    const step *failed = NULL, *chatty = NULL;
    for (size_t i = 0; i < n; i++) {
        if (step_failed(&steps[i]) && !failed)
            failed = &steps[i];
        else if (steps[i].out.output_len && !chatty)
            chatty = &steps[i];
    }
    const step *shown = failed ? failed : log->len == 0 ? chatty : NULL;
    if (failed) {
        sb_free(log);
        sb_init(log);
    }
    if (shown && shown->secret) {
        if (shown == failed)
            sb_append(log, "racelab: a hidden test program does not build with your code (its "
                           "messages are not shown, as they would show the hidden test): keep "
                           "every function of the lab's header, with the same name and "
                           "signature\n");
    } else if (shown) {
        sb_append(log, shown->out.output);
        if (shown->out.end == RUN_TIMED_OUT)
            sb_append(log, "racelab: the compiler did not finish in time\n");
    }
    return failed == NULL;
}

static void free_steps(step *steps, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        strlist_free(&steps[i].argv);
        run_outcome_free(&steps[i].out);
        free(steps[i].cache_key);
    }
    free(steps);
}

/* The probe's sources, as laid out in src. New list. */
static strlist probe_sources(const char *src)
{
    static const char *const names[] = {"probe.h", "probe.c", "probe_schedule.h",
                                        "probe_schedule.c"};
    strlist l = {0};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *name = xasprintf("%s/%s/%s", src, OWN_FILES, names[i]);
        strlist_push_owned(&l, name);
    }
    return l;
}

/* Takes the probe's objects from the cache where an earlier build made
 * them: those steps are marked done and not run. The probe's commands name
 * no folder of the student's (no -I.), so its objects depend on the probe's
 * sources, the flags and the compiler alone. */
static void fetch_probe(step *steps, const char *src, const build_env *env)
{
    if (!env->cache_dir)
        return;
    strlist sources = probe_sources(src);
    for (size_t i = 0; i < PROBE_STEPS; i++) {
        steps[i].cache_key = object_cache_key(env->tc, &steps[i].argv, &sources);
        char *dest = path_join(src, steps[i].made);
        steps[i].done = object_cache_fetch(env->cache_dir, steps[i].cache_key, dest);
        free(dest);
    }
    strlist_free(&sources);
}

static void store_probe(const step *s, const char *src, const build_env *env)
{
    if (!env->cache_dir || !s->cache_key)
        return;
    char *made = path_join(src, s->made);
    object_cache_store(env->cache_dir, s->cache_key, made);
    free(made);
}

/* Round 1: the probe and every student .c file, to objects. The probe
 * failing to build is the harness's fault, not the student's. */
static rl_status compile_objects(const lab_manifest *lab, const build_env *env,
                                 build_variant variant, const char *src, strlist *objects,
                                 strbuf *log, bool *ok, rl_err *err)
{
    step *steps = NULL;
    size_t n = 0;
    /* the probe is built like the student's code, so that under TSan its
     * stand-ins are frames of TSan's stack and reports keep the student's
     * line that called them; its counters are relaxed atomics, which TSan
     * does not count as synchronisation */
    step *probe = add_step(&steps, &n);
    strlist_push(&probe->argv, env->tc->cc);
    strlist_push(&probe->argv, "-std=gnu11");
    for (const char *const *f = variant == BUILD_TSAN ? tsan_flags : plain_flags; *f; f++)
        strlist_push(&probe->argv, *f);
    strlist_split(&probe->argv, "-pthread -fdebug-compilation-dir=. -c");
    if (variant == BUILD_PLAIN)
        strlist_push(&probe->argv, "-DPROBE_NO_TSAN");
    strlist_push(&probe->argv, OWN_FILES "/probe.c");
    strlist_split(&probe->argv, "-o " PROBE_OBJECT);
    probe->made = PROBE_OBJECT;
    /* its scheduler never is: TSan must not see it hand the turn between
     * threads (see probe_schedule.h) */
    step *schedule = add_step(&steps, &n);
    strlist_push(&schedule->argv, env->tc->cc);
    strlist_split(&schedule->argv,
                  "-std=gnu11 -O2 -g -pthread -fdebug-compilation-dir=. -c " OWN_FILES
                  "/probe_schedule.c -o " SCHEDULE_OBJECT);
    schedule->made = SCHEDULE_OBJECT;
    fetch_probe(steps, src, env);
    for (size_t i = 0; i < lab->student_files.n; i++) {
        const char *file = lab->student_files.items[i];
        if (!is_c_file(file))
            continue;
        step *s = add_step(&steps, &n);
        compiler_head(lab, env, variant, &s->argv);
        char *object = xasprintf("%s.o", file);
        strlist_push(&s->argv, "-c");
        strlist_push(&s->argv, file);
        strlist_push(&s->argv, "-o");
        strlist_push(&s->argv, object);
        strlist_push_owned(objects, object);
    }
    rl_status st = run_round(steps, n, src, env, err);
    for (size_t i = 0; st == RL_OK && i < PROBE_STEPS; i++)
        if (step_failed(&steps[i]))
            st = rl_fail(err, RL_ERR_INTERNAL, "the probe (%s) does not compile: %.*s",
                         env->probe_source, (int)strcspn(steps[i].out.output, "\n"),
                         steps[i].out.output);
        else if (!steps[i].done)
            store_probe(&steps[i], src, env);
    if (st == RL_OK)
        *ok = keep_log(steps + PROBE_STEPS, n - PROBE_STEPS, log);
    free_steps(steps, n);
    return st;
}

/* Round 2: route the student's primitives through the probe. objcopy is
 * the harness's own tool, run unconfined: the objects may belong to several
 * sandbox users (one per parallel compiler). */
static rl_status rename_primitives(const build_env *env, const char *src, const strlist *objects,
                                   rl_err *err)
{
    build_env unconfined = *env;
    unconfined.sandbox = NULL;
    step *steps = NULL;
    size_t n = 0;
    for (size_t i = 0; i < objects->n; i++) {
        step *s = add_step(&steps, &n);
        strlist_push(&s->argv, env->tc->objcopy);
        strlist_push(&s->argv, "--redefine-syms=" RENAME_MAP);
        strlist_push(&s->argv, objects->items[i]);
    }
    rl_status st = run_round(steps, n, src, &unconfined, err);
    for (size_t i = 0; st == RL_OK && i < n; i++)
        if (step_failed(&steps[i]))
            st = rl_fail(err, RL_ERR_TOOLCHAIN,
                         "%s cannot rename symbols (%.*s); install it: apt-get install binutils",
                         env->tc->objcopy, (int)strcspn(steps[i].out.output, "\n"),
                         steps[i].out.output);
    free_steps(steps, n);
    return st;
}

static void add_program(build_result *out, const char *src, const char *test_file, bool hidden)
{
    out->programs = xrealloc(out->programs, (out->nprograms + 1) * sizeof *out->programs);
    build_program *p = &out->programs[out->nprograms++];
    p->name = program_name(test_file);
    p->path = path_join(src, p->name);
    p->hidden = hidden;
}

/* Round 3: one binary per test program. */
static rl_status link_programs(const lab_manifest *lab, const build_env *env, build_variant variant,
                               const strlist *objects, build_result *out, strbuf *log, rl_err *err)
{
    step *steps = NULL;
    size_t n = 0;
    for (size_t i = 0; i < out->nprograms; i++) {
        const char *test =
            i < lab->tests.n ? lab->tests.items[i] : lab->hidden_tests.items[i - lab->tests.n];
        step *s = add_step(&steps, &n);
        s->secret = out->programs[i].hidden;
        compiler_head(lab, env, variant, &s->argv);
        for (size_t k = 0; k < objects->n; k++)
            strlist_push(&s->argv, objects->items[k]);
        strlist_push(&s->argv, PROBE_OBJECT);
        strlist_push(&s->argv, SCHEDULE_OBJECT);
        for (size_t k = 0; k < lab->support.n; k++)
            strlist_push(&s->argv, lab->support.items[k]);
        strlist_push(&s->argv, test);
        strlist_push(&s->argv, "-lcmocka");
        strlist_split(&s->argv, lab->ldflags);
        if (env->tc->ld_flag)
            strlist_push(&s->argv, env->tc->ld_flag);
        strlist_push(&s->argv, "-o");
        strlist_push(&s->argv, out->programs[i].name);
    }
    rl_status st = run_round(steps, n, out->src_dir, env, err);
    if (st == RL_OK)
        out->ok = keep_log(steps, n, log);
    free_steps(steps, n);
    return st;
}

/* Hands everything the build made back to root and closes the folder, so
 * that no trial (running as a sandbox user) can change a program that a
 * later trial runs. */
static void seal(const char *src)
{
    strlist names = {0};
    if (geteuid() == 0 && dir_list(src, &names, NULL) == RL_OK)
        for (size_t i = 0; i < names.n; i++) {
            char *path = path_join(src, names.items[i]);
            (void)!lchown(path, 0, 0);
            free(path);
        }
    strlist_free(&names);
    chmod(src, 0755);
}

rl_status build_lab(const lab_manifest *lab, const strlist *student_paths, bool with_hidden,
                    const build_env *env, const char *workdir, build_variant variant,
                    build_result *out, rl_err *err)
{
    memset(out, 0, sizeof *out);
    double start = now_seconds();
    out->src_dir = path_join(workdir, variant == BUILD_TSAN ? "tsan" : "plain");
    strlist objects = {0};
    strbuf log;
    sb_init(&log);
    rl_status st = dir_make(out->src_dir, err);
    if (st == RL_OK)
        st = lay_out(lab, student_paths, with_hidden, out->src_dir, env, out, err);
    chmod(out->src_dir, 0777); /* the compiler runs as the sandbox's user */
    for (size_t i = 0; with_hidden && i < lab->hidden_tests.n; i++) {
        char *from = path_join(lab->solution_dir, lab->hidden_tests.items[i]);
        out->hidden_missing = out->hidden_missing || !path_is_regular(from);
        free(from);
    }
    for (size_t i = 0; st == RL_OK && i < lab->tests.n; i++)
        add_program(out, out->src_dir, lab->tests.items[i], false);
    for (size_t i = 0;
         st == RL_OK && with_hidden && !out->hidden_missing && i < lab->hidden_tests.n; i++)
        add_program(out, out->src_dir, lab->hidden_tests.items[i], true);
    bool compiled = false;
    if (st == RL_OK)
        st = compile_objects(lab, env, variant, out->src_dir, &objects, &log, &compiled, err);
    if (st == RL_OK && compiled && !env->without_probe)
        st = rename_primitives(env, out->src_dir, &objects, err);
    if (st == RL_OK && compiled && with_hidden && !out->hidden_missing)
        st = add_hidden_tests(lab, out->src_dir, out, err);
    if (st == RL_OK && compiled)
        st = link_programs(lab, env, variant, &objects, out, &log, err);
    /* the programs are built: the hidden tests' sources go, so that the
     * student's code, run later from this folder's binaries, cannot read them */
    for (size_t i = 0; with_hidden && i < lab->hidden_tests.n; i++) {
        char *path = path_join(out->src_dir, lab->hidden_tests.items[i]);
        unlink(path);
        free(path);
    }
    seal(out->src_dir);
    if (log.len > BUILD_LOG_CAP) {
        log.data[BUILD_LOG_CAP] = '\0';
        log.len = BUILD_LOG_CAP;
    }
    out->log = sb_take(&log);
    strlist_free(&objects);
    out->seconds = now_seconds() - start;
    return st;
}

void build_result_free(build_result *b)
{
    for (size_t i = 0; i < b->nprograms; i++) {
        free(b->programs[i].name);
        free(b->programs[i].path);
    }
    free(b->programs);
    free(b->src_dir);
    free(b->log);
    memset(b, 0, sizeof *b);
}
