/* racy: no — each thread counts in its own slot; main sums the slots after joining */
#include <pthread.h>
#include <stdio.h>

static long slot[4];

static void *work(void *arg)
{
    long id = (long)arg;
    for (int i = 0; i < 10000; i++)
        slot[id] += i % 3;
    return NULL;
}

int main(void)
{
    pthread_t t[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, work, (void *)i);
    long sum = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        sum += slot[i];
    }
    printf("sum %ld\n", sum);
    return 0;
}
