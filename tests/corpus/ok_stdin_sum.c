/* racy: no — reads numbers from stdin, then threads sum disjoint halves under a lock */
#include <pthread.h>
#include <stdio.h>

static long numbers[4096];
static int count;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* guards total */
static long total;

static void *sum_half(void *arg)
{
    long half = (long)arg, sum = 0;
    for (int i = (int)half * count / 2; i < (int)(half + 1) * count / 2; i++)
        sum += numbers[i];
    pthread_mutex_lock(&lock);
    total += sum;
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(void)
{
    while (count < 4096 && scanf("%ld", &numbers[count]) == 1)
        count++;
    pthread_t t[2];
    for (long i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, sum_half, (void *)i);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("%d numbers, total %ld\n", count, total);
    return 0;
}
