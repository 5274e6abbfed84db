/*
 * fuzz_tsan_parse.c - libFuzzer harness for the ThreadSanitizer log parser.
 *
 * Parses the input, recomputes every key, merges the findings twice into a
 * second set and frees both, so that AddressSanitizer sees every path that
 * touches parsed data. Not built by `make`; run by hand, seeded with the
 * fixtures:
 *
 *   clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Iharness \
 *       tests/fuzz/fuzz_tsan_parse.c harness/tsan_parse.c harness/util.c harness/rl.c \
 *       -o build/fuzz_tsan_parse
 *   mkdir -p build/fuzz-corpus && cp tests/fixtures/tsan/[a-z]*.log build/fuzz-corpus/
 *   build/fuzz_tsan_parse -max_total_time=300 build/fuzz-corpus
 */
#include "tsan_parse.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tsan_findings set = {0}, merged = {0};
    rl_err err;
    if (tsan_parse((const char *)data, size, &set, &err) != RL_OK)
        abort();
    for (size_t i = 0; i < set.n; i++)
        free(tsan_finding_key(&set.items[i]));
    tsan_findings_merge(&merged, &set);
    tsan_findings_merge(&merged, &set);
    if (merged.n > set.n || merged.unparsed != 2 * set.unparsed)
        abort();
    tsan_findings_free(&set);
    tsan_findings_free(&merged);
    return 0;
}
