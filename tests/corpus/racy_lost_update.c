/* racy: yes — lost update: two threads do count++ on a shared global with no lock */
#include <pthread.h>
#include <stdio.h>

static long count;

static void *work(void *arg)
{
    for (int i = 0; i < 20000; i++)
        count++;
    return arg;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, work, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("count %ld\n", count);
    return 0;
}
