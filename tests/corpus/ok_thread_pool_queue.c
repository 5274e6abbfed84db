/* racy: no — a tiny work queue: workers take job indices under a mutex and write only their own
 * result slot; main reads the results after joining */
#include <pthread.h>
#include <stdio.h>

#define JOBS 64

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* guards next */
static int next;
static long result[JOBS];

static void *worker(void *arg)
{
    for (;;) {
        pthread_mutex_lock(&lock);
        int job = next < JOBS ? next++ : -1;
        pthread_mutex_unlock(&lock);
        if (job < 0)
            return arg;
        result[job] = (long)job * job;
    }
}

int main(void)
{
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    long sum = 0;
    for (int i = 0; i < JOBS; i++)
        sum += result[i];
    printf("sum %ld\n", sum);
    return 0;
}
