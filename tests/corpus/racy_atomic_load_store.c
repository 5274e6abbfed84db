/* racy: yes — atomics misuse: each access is atomic but the increment is a separate load and
 * store, so updates are lost (no data race: TSan cannot see it) */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>

static atomic_long hits;

static void *work(void *arg)
{
    for (int i = 0; i < 20000; i++) {
        long v = atomic_load(&hits);
        if (i % 64 == 0)
            sched_yield();
        atomic_store(&hits, v + 1);
    }
    return arg;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, work, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("hits %ld of 40000\n", atomic_load(&hits));
    return 0;
}
