/*
 * test_table_hidden.c - hidden tests for 06-table (instructor only, never handed out).
 *
 * Words with random names and lengths from the trial's seed, spread over all
 * buckets and each inserted by two threads at once; large amounts (a count
 * kept in an int would overflow); two tables in use at the same time (state
 * kept in globals would mix them up); a thread reading table_words() while
 * others insert; and many tables created and destroyed in a row. Test names
 * share the visible tests' prefixes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "racelab_lab.h"
#include "table.h"

#define MAX_THREADS 64
#define WORD_LEN 48
#define RANDOM_WORDS 800 /* words in the random-words test */
#define BIG_AMOUNT 1000000007L

struct indexer {
    pthread_t thread;
    pthread_barrier_t *start;
    struct table *tables[2]; /* adds go to tables[k % ntables] */
    int ntables;
    char (*words)[WORD_LEN];
    int from, to; /* adds words[from .. to - 1] */
    long amount;
    long failed;        /* out */
    atomic_int *adding; /* indexers still adding (the watcher stops at 0) */
    long odd;           /* out (watcher): readings that went down or too high */
    long most;          /* watcher: the most words there can be */
};

static void *add_range(void *arg)
{
    struct indexer *x = arg;
    pthread_barrier_wait(x->start);
    for (int k = x->from; k < x->to; k++)
        if (table_add(x->tables[k % x->ntables], x->words[k], x->amount) != 0)
            x->failed++;
    if (x->adding)
        atomic_fetch_sub(x->adding, 1);
    return NULL;
}

static void *watch_words(void *arg)
{
    struct indexer *x = arg;
    long last = 0;
    pthread_barrier_wait(x->start);
    while (atomic_load(x->adding) > 0) {
        long now = table_words(x->tables[0]);
        if (now < last || now > x->most)
            x->odd++;
        last = now;
        nanosleep(&(struct timespec){.tv_nsec = 10000}, NULL); /* leave the adders the CPU */
    }
    return NULL;
}

static void run(struct indexer *xs, int n, void *(**fns)(void *))
{
    pthread_barrier_t start;
    assert_int_equal(pthread_barrier_init(&start, NULL, (unsigned)n), 0);
    for (int i = 0; i < n; i++) {
        xs[i].start = &start;
        assert_int_equal(pthread_create(&xs[i].thread, NULL, fns[i], &xs[i]), 0);
    }
    for (int i = 0; i < n; i++)
        assert_int_equal(pthread_join(xs[i].thread, NULL), 0);
    pthread_barrier_destroy(&start);
}

/* count distinct random words of 1 to WORD_LEN - 1 letters, from seed. */
static char (*random_words(int count, unsigned seed))[WORD_LEN]
{
    char(*words)[WORD_LEN] = calloc((size_t)count, WORD_LEN);
    assert_non_null(words);
    for (int k = 0; k < count; k++) {
        int len = 1 + rand_r(&seed) % (WORD_LEN - 12);
        for (int c = 0; c < len; c++)
            words[k][c] = (char)('a' + rand_r(&seed) % 26);
        snprintf(words[k] + len, WORD_LEN - (size_t)len, "#%d", k); /* distinct */
    }
    return words;
}

/* Each random word is added by two threads at once: thread i adds shares i
 * and i + 1 of n equal shares, the last one wrapping around to share 0.
 * Every word ends with count 2, stored once. */
static void words_with_random_names_are_all_present(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    int share = RANDOM_WORDS / n, used = share * n;
    char(*words)[WORD_LEN] = random_words(used, racelab_seed(1));
    char(*twice)[WORD_LEN] = calloc(2 * (size_t)used, WORD_LEN); /* words, then words again */
    assert_non_null(twice);
    for (int k = 0; k < 2 * used; k++)
        memcpy(twice[k], words[k % used], WORD_LEN);
    struct table *t = table_create();
    assert_non_null(t);
    struct indexer xs[MAX_THREADS] = {0};
    void *(*fns[MAX_THREADS])(void *);
    for (int i = 0; i < n; i++) {
        xs[i] = (struct indexer){.tables = {t}, .ntables = 1, .words = twice, .amount = 1};
        xs[i].from = i * share;
        xs[i].to = xs[i].from + 2 * share;
        fns[i] = add_range;
    }

    run(xs, n, fns);

    long wrong = 0, failed = 0;
    int first = -1;
    for (int k = 0; k < used; k++)
        if (table_count(t, words[k]) != 2 && !wrong++)
            first = k;
    for (int i = 0; i < n; i++)
        failed += xs[i].failed;
    if (wrong || failed)
        racelab_fail("%d random words were each added by two of %d threads: %ld have a count "
                     "other than 2 (first: \"%s\" has %ld), %ld adds failed",
                     used, n, wrong, first >= 0 ? words[first] : "-",
                     first >= 0 ? table_count(t, words[first]) : 0, failed);
    if (table_words(t) != used)
        racelab_fail("%d distinct words were added, table_words() says %ld", used, table_words(t));
    table_destroy(t);
    free(twice);
    free(words);
}

/* Counts that do not fit in an int: the amounts add up exactly. */
static void counts_of_large_amounts_add_up(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    char words[8][WORD_LEN];
    for (int k = 0; k < 8; k++)
        snprintf(words[k], WORD_LEN, "big%d", k);
    struct table *t = table_create();
    assert_non_null(t);
    struct indexer xs[MAX_THREADS] = {0};
    void *(*fns[MAX_THREADS])(void *);
    static char repeated[8 * 40][WORD_LEN]; /* each word 40 times */
    for (int k = 0; k < 8 * 40; k++)
        memcpy(repeated[k], words[k % 8], WORD_LEN);
    for (int i = 0; i < n; i++) {
        xs[i] = (struct indexer){.tables = {t},
                                 .ntables = 1,
                                 .words = repeated,
                                 .from = 0,
                                 .to = 8 * 40,
                                 .amount = BIG_AMOUNT};
        fns[i] = add_range;
    }

    run(xs, n, fns);

    for (int k = 0; k < 8; k++)
        if (table_count(t, words[k]) != 40L * n * BIG_AMOUNT)
            racelab_fail("\"%s\" was added %d times with %ld each: the count should be %ld, "
                         "the table says %ld",
                         words[k], 40 * n, BIG_AMOUNT, 40L * n * BIG_AMOUNT,
                         table_count(t, words[k]));
    assert_int_equal(table_words(t), 8);
    table_destroy(t);
}

/* Two tables filled at the same time by the same threads never mix. */
static void words_in_two_tables_stay_apart(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    char(*words)[WORD_LEN] = random_words(RANDOM_WORDS, racelab_seed(1) + 99);
    struct table *tables[2] = {table_create(), table_create()};
    assert_non_null(tables[0]);
    assert_non_null(tables[1]);
    struct indexer xs[MAX_THREADS] = {0};
    void *(*fns[MAX_THREADS])(void *);
    int share = RANDOM_WORDS / n;
    for (int i = 0; i < n; i++) {
        xs[i] = (struct indexer){.tables = {tables[0], tables[1]},
                                 .ntables = 2,
                                 .words = words,
                                 .from = i * share,
                                 .to = (i + 1) * share,
                                 .amount = 1};
        fns[i] = add_range;
    }

    run(xs, n, fns);

    long misplaced = 0;
    for (int k = 0; k < share * n; k++)
        misplaced += table_count(tables[k % 2], words[k]) != 1 ||
                     table_count(tables[(k + 1) % 2], words[k]) != 0;
    if (misplaced)
        racelab_fail("%d words went alternately into two tables: %ld of them are missing from "
                     "their table or show up in the other",
                     share * n, misplaced);
    if (table_words(tables[0]) + table_words(tables[1]) != share * n)
        racelab_fail("the two tables report %ld + %ld words, %d were added", table_words(tables[0]),
                     table_words(tables[1]), share * n);
    table_destroy(tables[0]);
    table_destroy(tables[1]);
    free(words);
}

/* A watcher reads table_words() while the others insert: never down, never too high. */
static void words_counted_during_inserts_never_go_down(void **state)
{
    (void)state;
    int n = racelab_threads(4);
    int nadd = n - 1, share = RANDOM_WORDS / nadd;
    atomic_int adding = nadd;
    char(*words)[WORD_LEN] = random_words(RANDOM_WORDS, racelab_seed(1) + 7);
    struct table *t = table_create();
    assert_non_null(t);
    struct indexer xs[MAX_THREADS] = {0};
    void *(*fns[MAX_THREADS])(void *);
    for (int i = 0; i < n; i++) {
        xs[i] = (struct indexer){.tables = {t},
                                 .ntables = 1,
                                 .words = words,
                                 .from = i * share,
                                 .to = (i + 1) * share,
                                 .amount = 1,
                                 .adding = &adding,
                                 .most = share * nadd};
        fns[i] = i < nadd ? add_range : watch_words;
    }

    run(xs, n, fns);

    if (xs[n - 1].odd)
        racelab_fail("%ld readings of table_words() went down, or above the %d words added",
                     xs[n - 1].odd, share * nadd);
    if (table_words(t) != share * nadd)
        racelab_fail("%d words were added, table_words() says %ld", share * nadd, table_words(t));
    table_destroy(t);
    free(words);
}

/* Many tables created, filled a little and destroyed in a row. */
static void table_create_and_destroy_many(void **state)
{
    (void)state;
    for (int i = 0; i < 30; i++) {
        struct table *t = table_create();
        assert_non_null(t);
        char word[WORD_LEN];
        snprintf(word, sizeof word, "w%d", i);
        assert_int_equal(table_add(t, word, i + 1), 0);
        assert_int_equal(table_count(t, word), i + 1);
        assert_int_equal(table_words(t), 1);
        table_destroy(t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_create_and_destroy_many),
        cmocka_unit_test(words_with_random_names_are_all_present),
        cmocka_unit_test(counts_of_large_amounts_add_up),
        cmocka_unit_test(words_in_two_tables_stay_apart),
        cmocka_unit_test(words_counted_during_inserts_never_go_down),
    };
    return cmocka_run_group_tests_name("table_hidden", tests, NULL, NULL);
}
