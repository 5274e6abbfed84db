/*
 * toolchain.c - finds clang and proves its ThreadSanitizer runtime starts
 * and reports a race (see toolchain.h).
 */
#include "toolchain.h"

#include "object_cache.h"
#include "run.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char probe_program[] = "#include <pthread.h>\n"
                                    "static int shared;\n"
                                    "static void *bump(void *arg) { shared++; return arg; }\n"
                                    "int main(void) {\n"
                                    "    pthread_t a, b;\n"
                                    "    pthread_create(&a, 0, bump, 0);\n"
                                    "    pthread_create(&b, 0, bump, 0);\n"
                                    "    pthread_join(a, 0);\n"
                                    "    pthread_join(b, 0);\n"
                                    "    return 0;\n"
                                    "}\n";

char *toolchain_find_program(const char *name)
{
    if (strchr(name, '/'))
        return access(name, X_OK) == 0 ? realpath(name, NULL) : NULL;
    const char *path = getenv("PATH");
    strlist dirs = {0};
    for (const char *s = path ? path : "/usr/bin:/bin"; *s;) {
        size_t n = strcspn(s, ":");
        strlist_push_owned(&dirs, xstrndup(s, n));
        s += n + (s[n] == ':');
    }
    char *found = NULL;
    for (size_t i = 0; i < dirs.n && !found; i++) {
        char *p = path_join(dirs.items[i][0] ? dirs.items[i] : ".", name);
        if (access(p, X_OK) == 0)
            found = realpath(p, NULL);
        free(p);
    }
    strlist_free(&dirs);
    return found;
}

static const char *const clean_env[] = {"PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C", NULL};

/* Runs argv in dir and returns its outcome (caller frees). */
static run_outcome run_in(const char *const *argv, const char *const *envp, const char *dir,
                          bool no_aslr)
{
    run_spec spec = {.argv = argv,
                     .envp = envp,
                     .cwd = dir,
                     .timeout = 60,
                     .output_cap = 64 * 1024,
                     .no_aslr = no_aslr};
    run_outcome o;
    run_all(&spec, &o, 1, 1, NULL);
    return o;
}

static char *first_line(const char *s)
{
    return xstrndup(s, strcspn(s, "\n"));
}

/* Runs the racy probe; true when a data race was reported. */
static bool tsan_reports_race(const char *dir, bool no_aslr, char **output)
{
    char *log = path_join(dir, "tsan");
    char *opts =
        xasprintf("TSAN_OPTIONS=log_path=%s exitcode=0 atexit_sleep_ms=0 symbolize=0", log);
    const char *envp[] = {"PATH=/usr/bin:/bin", opts, NULL};
    const char *argv[] = {"./probe", NULL};
    run_outcome o = run_in(argv, envp, dir, no_aslr);
    strlist names = {0};
    bool found = false;
    if (dir_list(dir, &names, NULL) == RL_OK) {
        for (size_t i = 0; i < names.n && !found; i++) {
            if (strncmp(names.items[i], "tsan.", 5) != 0)
                continue;
            char *p = path_join(dir, names.items[i]), *text = NULL;
            if (file_read(p, 1 << 20, &text, NULL, NULL, NULL) == RL_OK)
                found = strstr(text, "ThreadSanitizer: data race") != NULL;
            free(text);
            free(p);
        }
    }
    strlist_free(&names);
    free(*output);
    *output = xstrdup(o.output ? o.output : "");
    run_outcome_free(&o);
    free(opts);
    free(log);
    return found;
}

static bool succeeded(const run_outcome *o)
{
    return o->end == RUN_EXITED && o->exit_code == 0;
}

/* Compiles the racy program to probe.o, or takes it from the cache. */
static run_outcome compile_probe(const char *dir, const toolchain *tc, const char *cache_dir)
{
    const char *argv[] = {tc->cc, "-fsanitize=thread", "-g", "-O1",     "-pthread",
                          "-c",   "probe.c",           "-o", "probe.o", NULL};
    strlist args = {0}, sources = {0};
    for (size_t i = 0; argv[i]; i++)
        strlist_push(&args, argv[i]);
    strlist_push_owned(&sources, path_join(dir, "probe.c"));
    char *key = object_cache_key(tc, &args, &sources);
    char *object = path_join(dir, "probe.o");
    run_outcome o = {.end = RUN_EXITED, .exit_code = 0};
    if (!object_cache_fetch(cache_dir, key, object)) {
        o = run_in(argv, clean_env, dir, false);
        if (succeeded(&o))
            object_cache_store(cache_dir, key, object);
    }
    free(object);
    free(key);
    strlist_free(&args);
    strlist_free(&sources);
    return o;
}

/* Links probe.o with the sanitizer's runtime, with lld when ld_flag says
 * so. */
static run_outcome link_probe(const char *dir, const toolchain *tc, const char *ld_flag)
{
    const char *argv[] = {
        tc->cc, "-fsanitize=thread", "-pthread", "probe.o", "-o", "probe", ld_flag, NULL};
    return run_in(argv, clean_env, dir, false);
}

/* "-fuse-ld=lld" when the compiler's own folder has ld.lld (the same LLVM
 * release, which links sanitized programs several times faster than the
 * system's ld), else NULL. New string. */
static char *own_lld_flag(const char *cc)
{
    char *dir = xstrdup(cc), *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    char *lld = path_join(dir, "ld.lld");
    bool found = slash && access(lld, X_OK) == 0;
    free(lld);
    free(dir);
    return found ? xstrdup("-fuse-ld=lld") : NULL;
}

static rl_status check_in(const char *dir, toolchain *tc, const char *cache_dir, rl_err *err)
{
    char *src = path_join(dir, "probe.c");
    rl_status st = file_write(src, probe_program, sizeof probe_program - 1, err);
    free(src);
    if (st != RL_OK)
        return st;
    run_outcome o = compile_probe(dir, tc, cache_dir);
    if (succeeded(&o)) {
        tc->ld_flag = own_lld_flag(tc->cc);
        if (tc->ld_flag) {
            run_outcome_free(&o);
            o = link_probe(dir, tc, tc->ld_flag);
            if (!succeeded(&o)) {
                free(tc->ld_flag);
                tc->ld_flag = NULL;
            }
        }
        if (!tc->ld_flag) {
            run_outcome_free(&o);
            o = link_probe(dir, tc, NULL);
        }
    }
    if (!succeeded(&o)) {
        char *line = first_line(o.output ? o.output : "");
        st = rl_fail(err, RL_ERR_TOOLCHAIN,
                     "%s cannot build with -fsanitize=thread (%s); install the runtime: "
                     "apt-get install libclang-rt-dev",
                     tc->cc, *line ? line : "no output");
        free(line);
        run_outcome_free(&o);
        return st;
    }
    run_outcome_free(&o);
    char *output = NULL;
    if (tsan_reports_race(dir, false, &output)) {
        free(output);
        return RL_OK;
    }
    if (tsan_reports_race(dir, true, &output)) {
        tc->no_aslr = true;
        tc->note = xstrdup("ThreadSanitizer could not start with address randomisation on; "
                           "every trial ran with it off (as under setarch -R)");
        free(output);
        return RL_OK;
    }
    char *line = first_line(output);
    st = rl_fail(err, RL_ERR_TOOLCHAIN,
                 "ThreadSanitizer does not work here (%s); try `sysctl vm.mmap_rnd_bits=28` or a "
                 "newer clang (apt-get install clang-19)",
                 *line ? line : "no race reported");
    free(line);
    free(output);
    return st;
}

static char *compiler_version(const char *cc)
{
    const char *argv[] = {cc, "--version", NULL};
    run_outcome o = run_in(argv, clean_env, "/", false);
    char *v = first_line(o.output ? o.output : "");
    run_outcome_free(&o);
    return v;
}

rl_status toolchain_check(const char *scratch_parent, const char *cache_dir, toolchain *out,
                          rl_err *err)
{
    memset(out, 0, sizeof *out);
    const char *want = getenv("RACELAB_CC");
    if (!want || !*want)
        want = "clang";
    out->cc = toolchain_find_program(want);
    if (!out->cc)
        return rl_fail(err, RL_ERR_TOOLCHAIN,
                       "%s not found; install it: apt-get install clang libclang-rt-dev", want);
    const char *objcopy = getenv("RACELAB_OBJCOPY");
    out->objcopy = toolchain_find_program(objcopy && *objcopy ? objcopy : "objcopy");
    if (!out->objcopy) {
        toolchain_free(out);
        return rl_fail(err, RL_ERR_TOOLCHAIN,
                       "objcopy not found; install it: apt-get install binutils");
    }
    out->version = compiler_version(out->cc);
    char *dir = path_join(scratch_parent, "toolchain");
    rl_status st = dir_make(dir, err);
    if (st == RL_OK)
        st = check_in(dir, out, cache_dir, err);
    dir_remove_tree(dir, NULL);
    free(dir);
    if (st != RL_OK)
        toolchain_free(out);
    return st;
}

void toolchain_free(toolchain *tc)
{
    free(tc->cc);
    free(tc->version);
    free(tc->objcopy);
    free(tc->note);
    free(tc->ld_flag);
    memset(tc, 0, sizeof *tc);
}
