/*
 * build.c - lays out and compiles a lab (see build.h).
 */
#include "build.h"

#include "run.h"

#include <stdlib.h>
#include <string.h>

#define BUILD_LOG_CAP (64 * 1024)
#define BUILD_TIMEOUT 120.0

static const char *const tsan_flags[] = {"-fsanitize=thread", "-g", "-O1",
                                         "-fno-omit-frame-pointer", NULL};
static const char *const plain_flags[] = {"-O2", "-g", NULL};

/* Copies the lab's plain files, then the student's, then hidden tests. */
static rl_status lay_out(const lab_manifest *lab, const strlist *student_paths, bool with_hidden,
                         const char *src, build_result *out, rl_err *err)
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
    for (size_t i = 0; st == RL_OK && with_hidden && i < lab->hidden_tests.n; i++) {
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

static char *program_name(const char *test_file)
{
    size_t n = strlen(test_file);
    if (n > 2 && strcmp(test_file + n - 2, ".c") == 0)
        n -= 2;
    return xstrndup(test_file, n);
}

/* The compiler command for one program, as an argv list. */
static void compile_argv(const lab_manifest *lab, const toolchain *tc, const char *support_dir,
                         build_variant variant, const char *test_file, const char *binary,
                         strlist *argv)
{
    strlist_push(argv, tc->cc);
    strlist_push(argv, "-std=gnu11");
    for (const char *const *f = variant == BUILD_TSAN ? tsan_flags : plain_flags; *f; f++)
        strlist_push(argv, *f);
    strlist_push(argv, "-pthread");
    strlist_push(argv, "-Wall");
    strlist_push(argv, "-Wextra");
    strlist_push(argv, "-fdiagnostics-color=never");
    strlist_push(argv, "-I.");
    strlist_push_owned(argv, xasprintf("-I%s", support_dir));
    strlist_split(argv, lab->cflags);
    for (size_t i = 0; i < lab->student_files.n; i++)
        if (strstr(lab->student_files.items[i], ".c"))
            strlist_push(argv, lab->student_files.items[i]);
    for (size_t i = 0; i < lab->support.n; i++)
        strlist_push(argv, lab->support.items[i]);
    strlist_push(argv, test_file);
    strlist_push(argv, "-lcmocka");
    strlist_split(argv, lab->ldflags);
    strlist_push(argv, "-o");
    strlist_push(argv, binary);
    strlist_push_owned(argv, NULL);
}

static void add_program(build_result *out, const char *src, const char *test_file, bool hidden)
{
    out->programs = xrealloc(out->programs, (out->nprograms + 1) * sizeof *out->programs);
    build_program *p = &out->programs[out->nprograms++];
    p->name = program_name(test_file);
    p->path = path_join(src, p->name);
    p->hidden = hidden;
}

rl_status build_lab(const lab_manifest *lab, const strlist *student_paths, bool with_hidden,
                    const toolchain *tc, const char *lab_support_dir, const char *workdir,
                    build_variant variant, int jobs, build_result *out, rl_err *err)
{
    memset(out, 0, sizeof *out);
    double start = now_seconds();
    out->src_dir = path_join(workdir, variant == BUILD_TSAN ? "tsan" : "plain");
    rl_status st = dir_make(out->src_dir, err);
    if (st == RL_OK)
        st = lay_out(lab, student_paths, with_hidden, out->src_dir, out, err);
    if (st != RL_OK)
        return st;

    for (size_t i = 0; i < lab->tests.n; i++)
        add_program(out, out->src_dir, lab->tests.items[i], false);
    for (size_t i = 0; with_hidden && !out->hidden_missing && i < lab->hidden_tests.n; i++)
        add_program(out, out->src_dir, lab->hidden_tests.items[i], true);

    strlist *argvs = xcalloc(out->nprograms, sizeof *argvs);
    run_spec *specs = xcalloc(out->nprograms, sizeof *specs);
    run_outcome *outs = xcalloc(out->nprograms, sizeof *outs);
    const char *envp[] = {"PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C", NULL};
    for (size_t i = 0; i < out->nprograms; i++) {
        const char *test =
            i < lab->tests.n ? lab->tests.items[i] : lab->hidden_tests.items[i - lab->tests.n];
        compile_argv(lab, tc, lab_support_dir, variant, test, out->programs[i].name, &argvs[i]);
        specs[i] = (run_spec){.argv = (const char *const *)argvs[i].items,
                              .envp = envp,
                              .cwd = out->src_dir,
                              .timeout = BUILD_TIMEOUT,
                              .output_cap = BUILD_LOG_CAP};
    }
    st = run_all(specs, outs, out->nprograms, jobs, err);
    out->ok = st == RL_OK;
    /* A student's error shows up identically in every program: keep the log of
     * the first program that failed, else the first that printed anything. */
    size_t shown = out->nprograms;
    for (size_t i = 0; i < out->nprograms; i++) {
        bool failed = outs[i].end != RUN_EXITED || outs[i].exit_code != 0;
        if (failed && out->ok)
            shown = i;
        else if (shown == out->nprograms && outs[i].output_len)
            shown = i;
        out->ok = out->ok && !failed;
    }
    strbuf log;
    sb_init(&log);
    if (shown < out->nprograms) {
        sb_append(&log, outs[shown].output);
        if (outs[shown].end == RUN_TIMED_OUT)
            sb_append(&log, "racelab: the compiler did not finish in time\n");
    }
    for (size_t i = 0; i < out->nprograms; i++) {
        run_outcome_free(&outs[i]);
        strlist_free(&argvs[i]);
    }
    if (log.len > BUILD_LOG_CAP) {
        log.data[BUILD_LOG_CAP] = '\0';
        log.len = BUILD_LOG_CAP;
    }
    out->log = sb_take(&log);
    free(argvs);
    free(specs);
    free(outs);
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
