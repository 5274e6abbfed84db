/* racy: yes — deadlock: two transfers lock their accounts in opposite orders and a barrier makes
 * each hold its first lock before taking the second, so it always hangs */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t from = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t to = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold_one;

static void *transfer(void *arg)
{
    int reverse = (int)(long)arg;
    pthread_mutex_t *first = reverse ? &to : &from, *second = reverse ? &from : &to;
    pthread_mutex_lock(first);
    pthread_barrier_wait(&both_hold_one);
    pthread_mutex_lock(second);
    pthread_mutex_unlock(second);
    pthread_mutex_unlock(first);
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    pthread_barrier_init(&both_hold_one, NULL, 2);
    for (long i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, transfer, (void *)i);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    puts("done");
    return 0;
}
