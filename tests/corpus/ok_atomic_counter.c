/* racy: no — counters as C11 atomics with read-modify-write (atomic_fetch_add) */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

static atomic_long hits;

static void *work(void *arg)
{
    for (int i = 0; i < 20000; i++)
        atomic_fetch_add(&hits, 1);
    return arg;
}

int main(void)
{
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, work, NULL);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    printf("hits %ld\n", atomic_load(&hits));
    return 0;
}
