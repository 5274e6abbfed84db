/*
 * table.h - the search engine's word-count table (fixed: do not change this file).
 *
 * The crawler's indexing threads each read web pages and count the words
 * they find in one shared table: table_add(t, "concert", 3) adds 3 to the
 * count of "concert", inserting the word the first time it is seen. Any
 * number of threads may add, look up and count words in the same table at
 * the same time.
 *
 * The table is a hash table of exactly TABLE_BUCKETS buckets, and a word is
 * always stored in bucket table_bucket(word). The tests rely on this to
 * choose words that land in the same bucket (the hardest case) or in
 * different ones. Threads working on words in different buckets should
 * never have to wait for each other: racelab measures that.
 *
 * Ownership: table_create() returns a table owned by the caller, released
 * with table_destroy() once no other thread uses it. table_add() copies the
 * word, so the caller's string may change or go away afterwards. The
 * structure is opaque: its fields are defined in table.c, which is yours.
 */
#ifndef TABLE_H
#define TABLE_H

#define TABLE_BUCKETS 64

/* The bucket that holds word: FNV-1a, a simple and well-spread string hash. */
static inline unsigned table_bucket(const char *word)
{
    unsigned h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)word; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h % TABLE_BUCKETS;
}

struct table;

/* A new, empty table. NULL when out of memory. */
struct table *table_create(void);

/* Releases the table and every word in it. No other thread may be using it. */
void table_destroy(struct table *t);

/* Adds n (>= 1) to word's count, inserting word (a copy of it) with count 0
 * first if the table doesn't hold it yet. A word is never stored twice.
 * Returns 0, or -1 when out of memory (the table is then unchanged). */
int table_add(struct table *t, const char *word, long n);

/* word's count at one instant between the call and its return; 0 if absent. */
long table_count(struct table *t, const char *word);

/* The number of distinct words in the table. Exact when no other thread is
 * adding words; while others add, some number between the count before
 * their calls began and the count after they ended. */
long table_words(struct table *t);

#endif
