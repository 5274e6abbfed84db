/*
 * probe_read.c - renames, names and counters of the probe (see
 * probe_read.h). The counters file is written by the student's process, so
 * it is read defensively: wrong size or magic means no data, and values are
 * clamped to be non-negative.
 */
#include "probe_read.h"

#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[] = {
#define PROBE_NAME(id, name, words) name,
    PROBE_PRIMITIVES(PROBE_NAME)
#undef PROBE_NAME
};

static const char *const words[] = {
#define PROBE_WORDS(id, name, words) words,
    PROBE_PRIMITIVES(PROBE_WORDS)
#undef PROBE_WORDS
};

const char *probe_primitive_words(probe_primitive p)
{
    return (unsigned)p < PROBE_NPRIM ? words[p] : "?";
}

const char *probe_primitive_name(probe_primitive p)
{
    return (unsigned)p < PROBE_NPRIM ? names[p] : "?";
}

bool probe_primitive_parse(const char *name, probe_primitive *out)
{
    for (int i = 0; i < PROBE_NPRIM; i++)
        if (strcmp(names[i], name) == 0) {
            *out = (probe_primitive)i;
            return true;
        }
    return false;
}

static void rename_line(strbuf *sb, const char *symbol)
{
    sb_printf(sb, "%s racelab_probe_%s\n", symbol, symbol);
}

char *probe_rename_map(void)
{
    strbuf sb;
    sb_init(&sb);
#define RENAME_SYMBOL(sym) rename_line(&sb, #sym);
    PROBE_SYMBOLS(RENAME_SYMBOL)
#undef RENAME_SYMBOL
    static const char *const fixed[] = {"load", "store", "compare_exchange_val"};
    static const char *const rmw[] = {
#define OP_NAME(op) #op,
        PROBE_ATOMIC_RMW(OP_NAME) PROBE_ATOMIC_CAS(OP_NAME)
#undef OP_NAME
    };
    static const int bits[] = {
#define SIZE_BITS(b, type) b,
        PROBE_ATOMIC_SIZES(SIZE_BITS)
#undef SIZE_BITS
    };
    for (size_t b = 0; b < sizeof bits / sizeof bits[0]; b++) {
        char sym[64];
        for (size_t i = 0; i < 3; i++) {
            snprintf(sym, sizeof sym, "__tsan_atomic%d_%s", bits[b], fixed[i]);
            rename_line(&sb, sym);
        }
        for (size_t i = 0; i < sizeof rmw / sizeof rmw[0]; i++) {
            snprintf(sym, sizeof sym, "__tsan_atomic%d_%s", bits[b], rmw[i]);
            rename_line(&sb, sym);
        }
    }
    rename_line(&sb, "__tsan_atomic_thread_fence");
    rename_line(&sb, "__tsan_atomic_signal_fence");
    return sb_take(&sb);
}

static int64_t clamp(int64_t v)
{
    return v < 0 ? 0 : v;
}

rl_status probe_read(const char *path, probe_counts *out, rl_err *err)
{
    memset(out, 0, sizeof *out);
    char *data = NULL;
    size_t len = 0;
    rl_status st = file_read(path, sizeof(probe_shared) + 1, &data, &len, NULL, err);
    if (st != RL_OK)
        return st;
    probe_shared s;
    if (len != sizeof s) {
        free(data);
        return rl_fail(err, RL_ERR_IO, "%s: not a probe file", path);
    }
    memcpy(&s, data, sizeof s);
    free(data);
    if (s.magic != PROBE_MAGIC || s.version != PROBE_VERSION)
        return rl_fail(err, RL_ERR_IO, "%s: not a probe file of this version", path);
    out->present = true;
    memcpy(out->calls, s.calls, sizeof out->calls);
    out->contended = s.contended;
    out->threads_max = clamp(s.threads_burst_max);
    out->procs_max = clamp(s.procs_burst_max);
    out->noise_events = s.noise_events;
    out->child_cpu_ns = s.child_cpu_ns;
    out->main_cpu_ns = s.main_cpu_ns;
    out->threads_seen = s.nthreads;
    out->nthreads = s.nthreads < PROBE_MAX_THREADS ? s.nthreads : PROBE_MAX_THREADS;
    for (uint32_t i = 0; i < out->nthreads; i++) {
        out->thread[i].process = s.thread[i].process;
        out->thread[i].student = s.thread[i].student != 0;
        memcpy(out->thread[i].calls, s.thread[i].calls, sizeof out->thread[i].calls);
    }
    return RL_OK;
}
