/*
 * table.c - reference solution for 06-table (instructor only).
 *
 * One mutex per bucket, declared beside the chain it guards. A word lives
 * in exactly one bucket, so every operation on a word needs exactly one
 * lock, and threads working in different buckets never wait for each other.
 * One lock for the whole table would also be correct, but it would let only
 * one thread into the table at a time, however many cores there are.
 *
 * table_add() holds its bucket's lock from the lookup to the insert, so two
 * threads adding the same new word cannot both find it missing and both
 * insert it (a check-then-act race, as in Lab 05), and two inserts at the
 * front of the same chain cannot overwrite each other's link.
 *
 * The number of words is kept per bucket, under the bucket's lock, rather
 * than in one shared counter, which would need a lock (or an atomic) that
 * every insert in every bucket fights over. table_words() adds the buckets
 * up one at a time. It never holds two locks at once, so it can't deadlock
 * with anything, and while other threads add words its sum is a value
 * between the counts at the start and the end of the call, which is all
 * table.h promises.
 *
 * The new entry is allocated while the lock is held. Allocating before
 * taking the lock would shorten the critical section, but then a thread
 * that finds the word already present has to free it again; for a word
 * count, where most adds hit existing words, the simple way is fine.
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
    struct bucket *bk = &t->buckets[table_bucket(word)];
    pthread_mutex_lock(&bk->lock);
    struct entry *e = find_locked(bk, word);
    long count = e ? e->count : 0;
    pthread_mutex_unlock(&bk->lock);
    return count;
}

long table_words(struct table *t)
{
    long words = 0;
    for (int b = 0; b < TABLE_BUCKETS; b++) {
        pthread_mutex_lock(&t->buckets[b].lock);
        words += t->buckets[b].nwords;
        pthread_mutex_unlock(&t->buckets[b].lock);
    }
    return words;
}
