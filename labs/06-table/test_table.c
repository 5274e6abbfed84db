/*
 * test_table.c - visible tests for 06-table: indexing threads share one table.
 *
 * Each test starts RACELAB_THREADS threads (4 when you run it by hand), lines
 * them up at a barrier so they really run at the same time, and lets them add
 * words. The words are chosen with table_bucket() so that they crowd into a
 * few buckets, where threads collide most. After joining the threads, the
 * main thread looks every word up. Worker threads never call cmocka's
 * assertions (those only work on the main thread): they record what they
 * did, and the main thread checks it.
 *
 * Run by hand: build/racelab check 06-table (or `make grade`).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "racelab_lab.h"
#include "table.h"

#define MAX_THREADS 64
#define WORD_LEN 16
#define CROWDED 4          /* distinct words crowd into buckets 0 .. CROWDED - 1 */
#define DISTINCT_WORDS 960 /* new words per test, shared out among the threads */
#define SHARED_WORDS 64    /* words every thread adds in the shared-words test */
#define SHARED_ADDS 4000   /* adds per test in the shared-words test, shared out */

/* One indexing thread: the words it adds, and how. */
struct indexer {
    pthread_t thread;
    pthread_barrier_t *start; /* every indexer waits here, then all begin together */
    struct table *t;
    char (*words)[WORD_LEN]; /* the words this thread adds */
    int nwords;
    int rounds;       /* how many times it adds each word */
    int first;        /* adds words[(first + k) % nwords]: each thread its own order */
    long amount;      /* added per call */
    long failed;      /* out: table_add calls that returned -1 */
    long wrong_reads; /* out (reader): lookups of an old word that did not say 5 */
};

static void *add_words(void *arg)
{
    struct indexer *x = arg;
    pthread_barrier_wait(x->start);
    for (int r = 0; r < x->rounds; r++)
        for (int k = 0; k < x->nwords; k++)
            if (table_add(x->t, x->words[(x->first + k) % x->nwords], x->amount) != 0)
                x->failed++;
    return NULL;
}

/* Looks up the old words (added with count 5 before the threads started)
 * over and over while the other threads insert new words next to them. */
static void *read_old_words(void *arg)
{
    struct indexer *x = arg;
    pthread_barrier_wait(x->start);
    for (int r = 0; r < x->rounds; r++)
        for (int k = 0; k < x->nwords; k++)
            if (table_count(x->t, x->words[(x->first + k) % x->nwords]) != 5)
                x->wrong_reads++;
    return NULL;
}

/* Fills words[0 .. count - 1] with distinct words "<prefix><k>" that all fall
 * into buckets 0 .. CROWDED - 1. */
static void crowded_words(char (*words)[WORD_LEN], int count, const char *prefix)
{
    int found = 0;
    for (int k = 0; found < count; k++) {
        snprintf(words[found], WORD_LEN, "%s%d", prefix, k);
        if (table_bucket(words[found]) < CROWDED)
            found++;
    }
}

/* Starts the n indexers: the first nadd add words, the rest run other. */
static void run_indexers(struct indexer *xs, int n, int nadd, void *(*other)(void *))
{
    pthread_barrier_t start;
    assert_int_equal(pthread_barrier_init(&start, NULL, (unsigned)n), 0);
    for (int i = 0; i < n; i++) {
        xs[i].start = &start;
        void *(*fn)(void *) = i < nadd ? add_words : other;
        assert_int_equal(pthread_create(&xs[i].thread, NULL, fn, &xs[i]), 0);
    }
    for (int i = 0; i < n; i++)
        assert_int_equal(pthread_join(xs[i].thread, NULL), 0);
    pthread_barrier_destroy(&start);
}

/* One thread alone: the documented behaviour, before any concurrency. */
static void table_basics_work_single_threaded(void **state)
{
    (void)state;
    struct table *t = table_create();
    assert_non_null(t);
    assert_int_equal(table_words(t), 0);
    assert_int_equal(table_count(t, "concert"), 0);
    char word[WORD_LEN];
    strcpy(word, "concert");
    assert_int_equal(table_add(t, word, 3), 0);
    strcpy(word, "hall"); /* the table keeps its own copy of "concert" */
    assert_int_equal(table_add(t, word, 1), 0);
    assert_int_equal(table_add(t, "concert", 2), 0);
    assert_int_equal(table_count(t, "concert"), 5);
    assert_int_equal(table_count(t, "hall"), 1);
    assert_int_equal(table_count(t, "conce"), 0);
    assert_int_equal(table_words(t), 2);
    table_destroy(t);
}

/* Every thread inserts its own new words, all into the same few buckets:
 * every single word must be in the table afterwards, with count 1. */
static void words_inserted_by_many_threads_are_all_present(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    int per = DISTINCT_WORDS / n;
    char(*words)[WORD_LEN] = calloc((size_t)n * (size_t)per, WORD_LEN);
    assert_non_null(words);
    struct indexer xs[MAX_THREADS] = {0};
    struct table *t = table_create();
    assert_non_null(t);
    for (int i = 0; i < n; i++) {
        char prefix[8];
        snprintf(prefix, sizeof prefix, "t%d-", i);
        crowded_words(words + i * per, per, prefix);
        xs[i] = (struct indexer){
            .t = t, .words = words + i * per, .nwords = per, .rounds = 1, .amount = 1};
    }

    run_indexers(xs, n, n, NULL);

    long missing = 0, wrong = 0, failed = 0;
    const char *first_missing = NULL;
    for (int i = 0; i < n * per; i++) {
        long c = table_count(t, words[i]);
        if (c == 0) {
            if (!missing++)
                first_missing = words[i];
        } else if (c != 1) {
            wrong++;
        }
    }
    for (int i = 0; i < n; i++)
        failed += xs[i].failed;
    long distinct = table_words(t);
    if (missing || wrong || failed || distinct != n * per)
        racelab_fail("%d threads inserted %d new words each into buckets 0-%d: %ld words are "
                     "missing (first: \"%s\"), %ld have a count other than 1, %ld adds failed, "
                     "and table_words() says %ld instead of %d",
                     n, per, CROWDED - 1, missing, first_missing ? first_missing : "-", wrong,
                     failed, distinct, n * per);
    table_destroy(t);
    free(words);
}

/* All threads add the same words over and over, each in its own order and
 * with its own amount: every word's count must be the sum of all the adds,
 * and each word must be stored once. */
static void counts_of_shared_words_add_up(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    int rounds = SHARED_ADDS / n / SHARED_WORDS;
    char words[SHARED_WORDS][WORD_LEN];
    for (int k = 0; k < SHARED_WORDS; k++)
        snprintf(words[k], WORD_LEN, "word%d", k);
    struct indexer xs[MAX_THREADS] = {0};
    struct table *t = table_create();
    assert_non_null(t);
    long per_word = 0;
    for (int i = 0; i < n; i++) {
        xs[i] = (struct indexer){.t = t,
                                 .words = words,
                                 .nwords = SHARED_WORDS,
                                 .rounds = rounds,
                                 .first = i * SHARED_WORDS / n,
                                 .amount = 1 + i % 3};
        per_word += rounds * xs[i].amount;
    }

    run_indexers(xs, n, n, NULL);

    long wrong = 0, lost = 0;
    int first_wrong = -1;
    for (int k = 0; k < SHARED_WORDS; k++) {
        long c = table_count(t, words[k]);
        if (c != per_word) {
            if (!wrong++)
                first_wrong = k;
            lost += per_word - c;
        }
    }
    long distinct = table_words(t);
    if (wrong)
        racelab_fail("%d threads added each of %d words %ld times in all: %ld words have the "
                     "wrong count (first: \"%s\" has %ld), %ld adds were lost in total",
                     n, SHARED_WORDS, per_word, wrong, words[first_wrong],
                     table_count(t, words[first_wrong]), lost);
    if (distinct != SHARED_WORDS)
        racelab_fail("%d threads added the same %d words, but table_words() says %ld: some words "
                     "were stored more than once",
                     n, SHARED_WORDS, distinct);
    table_destroy(t);
}

/* Half the threads insert new words into crowded buckets while the other
 * half look up old words stored in the same buckets: the old words' counts
 * never change, and every new word arrives. */
static void lookups_during_inserts_see_old_words_unchanged(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    int nadd = n / 2, per = DISTINCT_WORDS / 2 / nadd;
    char old[32][WORD_LEN];
    char(*fresh)[WORD_LEN] = calloc((size_t)nadd * (size_t)per, WORD_LEN);
    assert_non_null(fresh);
    struct table *t = table_create();
    assert_non_null(t);
    crowded_words(old, 32, "old");
    for (int k = 0; k < 32; k++)
        assert_int_equal(table_add(t, old[k], 5), 0);
    struct indexer xs[MAX_THREADS] = {0};
    for (int i = 0; i < n; i++) {
        if (i < nadd) {
            char prefix[8];
            snprintf(prefix, sizeof prefix, "new%d-", i);
            crowded_words(fresh + i * per, per, prefix);
            xs[i] = (struct indexer){
                .t = t, .words = fresh + i * per, .nwords = per, .rounds = 1, .amount = 1};
        } else {
            xs[i] = (struct indexer){.t = t,
                                     .words = old,
                                     .nwords = 32,
                                     .rounds = DISTINCT_WORDS / 2 / (n - nadd) / 32 + 1,
                                     .first = i};
        }
    }

    run_indexers(xs, n, nadd, read_old_words);

    long wrong_reads = 0, missing = 0;
    for (int i = nadd; i < n; i++)
        wrong_reads += xs[i].wrong_reads;
    for (int i = 0; i < nadd * per; i++)
        missing += table_count(t, fresh[i]) != 1;
    for (int k = 0; k < 32; k++)
        missing += table_count(t, old[k]) != 5;
    if (wrong_reads)
        racelab_fail("%ld lookups of words stored before the test (count 5) returned something "
                     "else while %d threads inserted new words into the same buckets",
                     wrong_reads, nadd);
    if (missing || table_words(t) != 32 + nadd * per)
        racelab_fail("after %d threads inserted %d new words next to 32 old ones, %ld words are "
                     "missing or miscounted and table_words() says %ld (expected %d)",
                     nadd, nadd * per, missing, table_words(t), 32 + nadd * per);
    table_destroy(t);
    free(fresh);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_basics_work_single_threaded),
        cmocka_unit_test(words_inserted_by_many_threads_are_all_present),
        cmocka_unit_test(counts_of_shared_words_add_up),
        cmocka_unit_test(lookups_during_inserts_see_old_words_unchanged),
    };
    return cmocka_run_group_tests_name("table", tests, NULL, NULL);
}
