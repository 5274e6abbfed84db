/* racy: no — phases separated by pthread_barrier_wait: each thread reads its neighbour's result
 * only after every thread has written its own */
#include <pthread.h>
#include <stdio.h>

#define N 3

static pthread_barrier_t barrier;
static int results[N];

static void *phase(void *arg)
{
    long id = (long)arg;
    long got = 0;
    for (int round = 0; round < 50; round++) {
        results[id] = (int)id + round;
        pthread_barrier_wait(&barrier);
        got += results[(id + 1) % N];
        pthread_barrier_wait(&barrier);
    }
    return (void *)got;
}

int main(void)
{
    pthread_t t[N];
    pthread_barrier_init(&barrier, NULL, N);
    for (long i = 0; i < N; i++)
        pthread_create(&t[i], NULL, phase, (void *)i);
    long sum = 0;
    for (int i = 0; i < N; i++) {
        void *r;
        pthread_join(t[i], &r);
        sum += (long)r;
    }
    pthread_barrier_destroy(&barrier);
    printf("sum %ld\n", sum);
    return 0;
}
