/*
 * toolchain.h - finds the C compiler and proves ThreadSanitizer works, once
 * per racelab run.
 *
 * The check compiles a two-thread racy program with -fsanitize=thread, runs
 * it and expects a data-race report. Where the compiler's own folder has
 * LLVM's lld, the program is linked with it, and when that works every
 * program is (a sanitized program links several times faster with it). Where the sanitizer runtime
 * cannot start (clang 14 on kernels with high ASLR entropy dies with "unexpected memory mapping"),
 * it tries again with address randomisation off (what setarch -R does); if that works, every trial
 * runs that way and the report says so.
 *
 * It also finds objcopy ($RACELAB_OBJCOPY, else objcopy on PATH), which
 * the build uses to route the student's calls through the probe.
 *
 * Ownership: toolchain_check fills a toolchain released by toolchain_free().
 */
#ifndef RL_TOOLCHAIN_H
#define RL_TOOLCHAIN_H

#include "rl.h"

#include <stdbool.h>

typedef struct {
    char *cc;      /* absolute path of the compiler (owned) */
    char *version; /* first line of `cc --version` (owned) */
    char *objcopy; /* absolute path of objcopy, which routes calls through the probe (owned) */
    bool no_aslr;  /* trials must run with ASLR off */
    char *note;    /* a line for the report when no_aslr is set, else NULL (owned) */
    char *ld_flag; /* "-fuse-ld=lld" when the compiler's own lld links the probe, else NULL
                      (the system's ld) (owned) */
} toolchain;

/* Finds the compiler ($RACELAB_CC, else clang on PATH) and checks it in a
 * scratch folder under scratch_parent; the racy program's object may come
 * from the object cache in cache_dir (NULL: none), its link never does. */
rl_status toolchain_check(const char *scratch_parent, const char *cache_dir, toolchain *out,
                          rl_err *err);

/* Looks a program up: a name with a '/' as it is, else in PATH. Returns
 * a new absolute path, or NULL when there is no such executable. */
char *toolchain_find_program(const char *name);

void toolchain_free(toolchain *tc);

#endif
