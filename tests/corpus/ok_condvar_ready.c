/* racy: no — a one-shot "ready" handoff: the data is written, then a flag set under the mutex
 * with a broadcast; waiters check the flag in a while loop */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* guards ready and data */
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int ready;
static int data[16];

static void *waiter(void *arg)
{
    pthread_mutex_lock(&lock);
    while (!ready)
        pthread_cond_wait(&changed, &lock);
    long sum = 0;
    for (int i = 0; i < 16; i++)
        sum += data[i];
    pthread_mutex_unlock(&lock);
    *(long *)arg = sum;
    return NULL;
}

int main(void)
{
    long sums[3];
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, waiter, &sums[i]);
    pthread_mutex_lock(&lock);
    for (int i = 0; i < 16; i++)
        data[i] = i;
    ready = 1;
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    printf("sums %ld %ld %ld\n", sums[0], sums[1], sums[2]);
    return 0;
}
