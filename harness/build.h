/*
 * build.h - the build stage: lays out a lab's files with the student's in a
 * fresh work folder and compiles each test program.
 *
 * The work folder gets every plain file of the lab folder, then the
 * student's files over them (so a submission replaces the starter), then
 * the hidden test programs when asked for. Each test program is compiled
 * with the student files and the lab's support files into one binary:
 *   BUILD_TSAN:  clang -fsanitize=thread -g -O1 (what trials run)
 *   BUILD_PLAIN: clang -O2 -g, no sanitizer (speed and scaling checks)
 * Compiler output is kept (capped) as the student's feedback.
 *
 * The student's .c files are compiled to objects first, and in those objects
 * every primitive the probe watches is renamed to the probe's stand-in
 * (objcopy --redefine-syms, see probe/probe.h), so the probe counts the
 * student's calls and not the tests'. The probe itself is compiled with the
 * same flags and linked into every program.
 *
 * Ownership: build_lab fills a build_result released by build_result_free();
 * it does not delete the work folder (the caller owns that folder).
 */
#ifndef RL_BUILD_H
#define RL_BUILD_H

#include "manifest.h"
#include "rl.h"
#include "sandbox.h"
#include "toolchain.h"
#include "util.h"

#include <stdbool.h>

typedef enum { BUILD_TSAN, BUILD_PLAIN } build_variant;

typedef struct {
    char *name;  /* "test_bank" (from test_bank.c) */
    char *path;  /* absolute path of the binary */
    bool hidden; /* built from a hidden test program */
} build_program;

typedef struct {
    bool ok;                 /* every program compiled */
    char *src_dir;           /* the folder the sources were laid out in (absolute) */
    char *log;               /* compiler output of every program, capped; "" when silent */
    build_program *programs; /* one per test program, in manifest order (visible, hidden) */
    size_t nprograms;
    bool hidden_missing; /* hidden tests were asked for but are not on this machine */
    double seconds;
} build_result;

/* What every build needs from the harness around it. */
typedef struct {
    const toolchain *tc;
    const char *support_dir;  /* harness/lab_support, on the include path */
    const char *probe_source; /* harness/probe/probe.c */
    int jobs;                 /* compilers run at once */
    bool without_probe;       /* leave the student's calls alone (to measure the probe's cost) */
    const sandbox *sandbox;   /* where the compiler runs (NULL: unconfined) */
    const char *cache_dir;    /* where the probe's objects are kept (object_cache.h), or NULL */
} build_env;

/* Builds lab with the given student files (absolute paths, in the order of
 * lab->student_files) in workdir/<variant>/. Returns RL_OK when the stage
 * ran, even if the student's code did not compile (then out->ok is false
 * and out->log says why); fails only when the harness cannot work. */
rl_status build_lab(const lab_manifest *lab, const strlist *student_paths, bool with_hidden,
                    const build_env *env, const char *workdir, build_variant variant,
                    build_result *out, rl_err *err);

void build_result_free(build_result *b);

#endif
