/*
 * scaling.c - measures lock contention under forced preemption (see
 * scaling.h).
 */
#include "scaling.h"

#include "run.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SCALING_DEFAULT_RUNS 3
#define SCALING_OUTPUT_CAP 4096

int scaling_runs_wanted(const lab_manifest *lab)
{
    int runs = 0;
    for (size_t i = 0; i < lab->nchecks; i++)
        if (lab->checks[i].kind == CHECK_SCALING) {
            int want = lab->checks[i].runs ? lab->checks[i].runs : SCALING_DEFAULT_RUNS;
            runs = want > runs ? want : runs;
        }
    return runs;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The environment of one measurement run of one program (owned by env). */
static void run_env(const lab_manifest *lab, const char *dir, const char *program, unsigned seed,
                    strlist *env)
{
    int threads = 0;
    for (size_t i = 0; i < lab->nthreads; i++)
        threads = lab->threads[i] > threads ? lab->threads[i] : threads;
    strlist_push(env, "PATH=/usr/local/bin:/usr/bin:/bin");
    strlist_push(env, "LC_ALL=C");
    strlist_push_owned(env, xasprintf("HOME=%s", dir));
    strlist_push_owned(env, xasprintf("TMPDIR=%s", dir));
    strlist_push(env, "RACELAB_NOISE=hold");
    strlist_push_owned(env, xasprintf("RACELAB_THREADS=%d", threads));
    strlist_push_owned(env, xasprintf("RACELAB_SEED=%u", seed));
    strlist_push_owned(env, xasprintf("RACELAB_PROBE_FILE=%s/%s.probe", dir, program));
    strlist_push(env, "CMOCKA_MESSAGE_OUTPUT=xml");
    strlist_push_owned(env, xasprintf("CMOCKA_XML_FILE=%s/%s.xml", dir, program));
    strlist_push_owned(env, NULL);
}

/* Runs every program once per run; fills the ratio of each run. */
static rl_status measure_runs(const lab_manifest *lab, const build_result *b, const char *work,
                              unsigned seed, double timeout, int jobs, const sandbox *sb,
                              scaling_result *out, rl_err *err)
{
    size_t n = (size_t)out->runs * b->nprograms;
    strlist *envs = xcalloc(n, sizeof *envs), dirs = {0};
    run_spec *specs = xcalloc(n, sizeof *specs);
    run_outcome *outs = xcalloc(n, sizeof *outs);
    const char **argvs = xcalloc(2 * n, sizeof *argvs);
    rl_status st = RL_OK;
    for (int r = 0; r < out->runs && st == RL_OK; r++) {
        strlist_push_owned(&dirs, xasprintf("%s/scaling-%d", work, r + 1));
        st = dir_make(dirs.items[r], err);
        chmod(dirs.items[r], 0777);
        for (size_t p = 0; p < b->nprograms && st == RL_OK; p++) {
            size_t k = (size_t)r * b->nprograms + p;
            run_env(lab, dirs.items[r], b->programs[p].name, seed + (unsigned)r, &envs[k]);
            argvs[2 * k] = b->programs[p].path;
            specs[k] = (run_spec){.argv = &argvs[2 * k],
                                  .envp = (const char *const *)envs[k].items,
                                  .cwd = dirs.items[r],
                                  .timeout = timeout,
                                  .output_cap = SCALING_OUTPUT_CAP,
                                  .sandbox = sb};
        }
    }
    if (st == RL_OK)
        st = run_all(specs, outs, n, jobs, err);
    for (int r = 0; r < out->runs && st == RL_OK; r++) {
        uint64_t locks = 0, contended = 0;
        for (size_t p = 0; p < b->nprograms; p++) {
            probe_counts c;
            char *path = xasprintf("%s/%s.probe", dirs.items[r], b->programs[p].name);
            if (probe_read(path, &c, NULL) == RL_OK) {
                locks += c.calls[PROBE_MUTEX_LOCK] + c.calls[PROBE_RWLOCK_RDLOCK] +
                         c.calls[PROBE_RWLOCK_WRLOCK];
                contended += c.contended;
            }
            free(path);
        }
        out->locks[r] = locks;
        out->ratios[r] = locks ? (double)contended / (double)locks : 0;
    }
    for (size_t k = 0; k < n; k++) {
        strlist_free(&envs[k]);
        run_outcome_free(&outs[k]);
    }
    free(envs);
    free(specs);
    free(outs);
    free(argvs);
    strlist_free(&dirs);
    return st;
}

rl_status scaling_measure(const lab_manifest *lab, const strlist *student_paths, bool with_hidden,
                          const build_env *env, const char *workdir, unsigned seed, double timeout,
                          const sandbox *sb, scaling_result *out, rl_err *err)
{
    memset(out, 0, sizeof *out);
    out->runs = scaling_runs_wanted(lab);
    if (out->runs == 0)
        return RL_OK;
    build_result b;
    rl_status st = build_lab(lab, student_paths, with_hidden, env, workdir, BUILD_PLAIN, &b, err);
    if (st == RL_OK && !b.ok)
        out->error = xstrdup("the uninstrumented (-O2) build failed");
    if (st == RL_OK && b.ok)
        st = measure_runs(lab, &b, workdir, seed, timeout, env->jobs, sb, out, err);
    if (st == RL_OK && b.ok) {
        double sorted[SCALING_RUNS_MAX];
        memcpy(sorted, out->ratios, sizeof sorted);
        qsort(sorted, (size_t)out->runs, sizeof sorted[0], compare_doubles);
        out->median = sorted[out->runs / 2];
        out->measured = true;
    }
    build_result_free(&b);
    return st;
}
