/*
 * What the student tried: one big lock. A single mutex in struct table
 * guards every bucket's chain, every count and the word total, held from
 * the lookup to the end of the insert in table_add() and around every
 * lookup. It is correct and race-free, but only one thread at a time can use
 * the table: threads adding words in different buckets wait for each other.
 * The scaling check is there to catch exactly this, so it loses those
 * points and keeps the rest.
 */
#include "table.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct entry {
    struct entry *next; /* the next entry in the same bucket */
    long count;
    char word[]; /* the word itself, NUL-terminated */
};

struct table {
    pthread_mutex_t lock;                /* guards bucket[], words and every entry */
    struct entry *bucket[TABLE_BUCKETS]; /* bucket[b]: the entries of bucket b */
    long words;                          /* distinct words in the table */
};

struct table *table_create(void)
{
    struct table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    if (pthread_mutex_init(&t->lock, NULL) != 0) {
        free(t);
        return NULL;
    }
    return t;
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
    pthread_mutex_destroy(&t->lock);
    free(t);
}

/* The entry for word in bucket b, or NULL. Caller holds t->lock. */
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
    int rc = 0;
    pthread_mutex_lock(&t->lock);
    struct entry *e = find(t, b, word);
    if (!e) {
        size_t len = strlen(word) + 1;
        e = malloc(sizeof *e + len);
        if (e) {
            memcpy(e->word, word, len);
            e->count = 0;
            e->next = t->bucket[b];
            t->bucket[b] = e;
            t->words++;
        }
    }
    if (e)
        e->count += n;
    else
        rc = -1;
    pthread_mutex_unlock(&t->lock);
    return rc;
}

long table_count(struct table *t, const char *word)
{
    pthread_mutex_lock(&t->lock);
    struct entry *e = find(t, table_bucket(word), word);
    long count = e ? e->count : 0;
    pthread_mutex_unlock(&t->lock);
    return count;
}

long table_words(struct table *t)
{
    pthread_mutex_lock(&t->lock);
    long words = t->words;
    pthread_mutex_unlock(&t->lock);
    return words;
}
