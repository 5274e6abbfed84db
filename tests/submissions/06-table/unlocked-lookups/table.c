/*
 * What the student tried: the reference design for writers (a mutex per
 * bucket, held by table_add() from the lookup to the end of the insert and
 * update), but no lock in the functions that only read: table_count() walks
 * the chain and table_words() adds up nwords without taking any lock, "since
 * reading can't break anything". A lookup that walks a chain while another
 * thread pushes a new entry on it, or reads a count while it is being added
 * to, is a data race all the same; on x86 the results still come out right,
 * so only race-free is lost.
 */
#include "table.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct entry {
    struct entry *next; /* the next entry in the same bucket */
    long count;
    char word[]; /* the word itself, NUL-terminated; never changes */
};

struct bucket {
    pthread_mutex_t lock; /* guards chain, nwords, and every entry's next and count */
    struct entry *chain;  /* the bucket's entries, newest first */
    long nwords;          /* entries in chain */
};

struct table {
    struct bucket buckets[TABLE_BUCKETS]; /* a word lives in buckets[table_bucket(word)] */
};

struct table *table_create(void)
{
    struct table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    for (int b = 0; b < TABLE_BUCKETS; b++) {
        if (pthread_mutex_init(&t->buckets[b].lock, NULL) != 0) {
            while (b-- > 0)
                pthread_mutex_destroy(&t->buckets[b].lock);
            free(t);
            return NULL;
        }
    }
    return t;
}

void table_destroy(struct table *t)
{
    for (int b = 0; b < TABLE_BUCKETS; b++) {
        struct entry *e = t->buckets[b].chain;
        while (e) {
            struct entry *next = e->next;
            free(e);
            e = next;
        }
        pthread_mutex_destroy(&t->buckets[b].lock);
    }
    free(t);
}

/* The entry for word in bucket bk, or NULL. Caller holds bk->lock. */
static struct entry *find_locked(struct bucket *bk, const char *word)
{
    for (struct entry *e = bk->chain; e; e = e->next)
        if (strcmp(e->word, word) == 0)
            return e;
    return NULL;
}

int table_add(struct table *t, const char *word, long n)
{
    struct bucket *bk = &t->buckets[table_bucket(word)];
    int rc = 0;

    pthread_mutex_lock(&bk->lock);
    struct entry *e = find_locked(bk, word);
    if (!e) { /* still under the lock: nobody can insert it meanwhile */
        size_t len = strlen(word) + 1;
        e = malloc(sizeof *e + len);
        if (e) {
            memcpy(e->word, word, len);
            e->count = 0;
            e->next = bk->chain;
            bk->chain = e;
            bk->nwords++;
        }
    }
    if (e)
        e->count += n;
    else
        rc = -1;
    pthread_mutex_unlock(&bk->lock);
    return rc;
}

long table_count(struct table *t, const char *word)
{
    /* only reads: no lock needed (the student thought) */
    struct entry *e = find_locked(&t->buckets[table_bucket(word)], word);
    return e ? e->count : 0;
}

long table_words(struct table *t)
{
    long words = 0;
    for (int b = 0; b < TABLE_BUCKETS; b++) /* only reads: no lock needed */
        words += t->buckets[b].nwords;
    return words;
}
