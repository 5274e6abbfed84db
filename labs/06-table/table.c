/*
 * table.c - the word-count table (this is the file you change).
 *
 * A chained hash table: each of the TABLE_BUCKETS buckets holds a linked
 * list of entries, one per word, and new words go to the front of their
 * bucket's list. It was written for one indexing thread. Now several
 * threads index pages at once, and after a big crawl some words are
 * missing altogether, some have counts that are too low, and the number of
 * words doesn't match what was inserted.
 *
 * Your job: make every function below safe to call from many threads at
 * once, with one lock per bucket, so that threads adding words in different
 * buckets never wait for each other. You may change anything in this file
 * (the structs, helpers, function bodies); keep the functions declared in
 * table.h behaving as documented there. table.h and the tests stay as they are.
 */
#include "table.h"

#include <stdlib.h>
#include <string.h>

struct entry {
    struct entry *next; /* the next entry in the same bucket */
    long count;
    char word[]; /* the word itself, NUL-terminated */
};

struct table {
    struct entry *bucket[TABLE_BUCKETS]; /* bucket[b]: the entries of bucket b */
    long words;                          /* distinct words in the table */
};

struct table *table_create(void)
{
    return calloc(1, sizeof(struct table));
}

void table_destroy(struct table *t)
{
    for (int b = 0; b < TABLE_BUCKETS; b++) {
        struct entry *e = t->bucket[b];
        while (e) {
            struct entry *next = e->next;
            free(e);
            e = next;
        }
    }
    free(t);
}

/* The entry for word in bucket b, or NULL. */
static struct entry *find(struct table *t, unsigned b, const char *word)
{
    for (struct entry *e = t->bucket[b]; e; e = e->next)
        if (strcmp(e->word, word) == 0)
            return e;
    return NULL;
}

int table_add(struct table *t, const char *word, long n)
{
    unsigned b = table_bucket(word);
    struct entry *e = find(t, b, word);
    if (!e) { /* a new word: put it at the front of its bucket */
        size_t len = strlen(word) + 1;
        e = malloc(sizeof *e + len);
        if (!e)
            return -1;
        memcpy(e->word, word, len);
        e->count = 0;
        e->next = t->bucket[b];
        t->bucket[b] = e;
        t->words++;
    }
    e->count += n;
    return 0;
}

long table_count(struct table *t, const char *word)
{
    struct entry *e = find(t, table_bucket(word), word);
    return e ? e->count : 0;
}

long table_words(struct table *t)
{
    return t->words;
}
