/* racy: yes — atomics misuse: one thread adds atomically, another reads the same counter with a
 * plain load */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

static long hits;

static void *adder(void *arg)
{
    for (int i = 0; i < 1000; i++)
        __atomic_fetch_add(&hits, 1, __ATOMIC_SEQ_CST);
    return arg;
}

static void *reader(void *arg)
{
    long seen = 0;
    for (int i = 0; i < 1000; i++)
        seen = hits;
    *(long *)arg = seen;
    return NULL;
}

int main(void)
{
    long seen;
    pthread_t a, r;
    pthread_create(&a, NULL, adder, NULL);
    pthread_create(&r, NULL, reader, &seen);
    pthread_join(a, NULL);
    pthread_join(r, NULL);
    printf("hits %ld\n", hits);
    return seen < 0;
}
