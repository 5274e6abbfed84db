/* racy: yes — broken producer/consumer: the queue is locked but its item count is updated
 * outside the lock */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* guards queue, not count (the bug) */
static pthread_cond_t nonempty = PTHREAD_COND_INITIALIZER;
static int queue[4096];
static int in, out;
static int count; /* items waiting: should be guarded by lock */

static void *producer(void *arg)
{
    for (int i = 0; i < 2000; i++) {
        pthread_mutex_lock(&lock);
        queue[in++] = i;
        pthread_cond_signal(&nonempty);
        pthread_mutex_unlock(&lock);
        count++;
    }
    return arg;
}

static void *consumer(void *arg)
{
    long total = 0;
    for (int i = 0; i < 2000; i++) {
        pthread_mutex_lock(&lock);
        while (out == in)
            pthread_cond_wait(&nonempty, &lock);
        total += queue[out++];
        pthread_mutex_unlock(&lock);
        count--;
    }
    *(long *)arg = total;
    return NULL;
}

int main(void)
{
    long total = 0;
    pthread_t p, c;
    pthread_create(&p, NULL, producer, NULL);
    pthread_create(&c, NULL, consumer, &total);
    pthread_join(p, NULL);
    pthread_join(c, NULL);
    printf("total %ld\n", total);
    return 0;
}
