/* racy: no — a bounded producer/consumer queue: one mutex, two condition variables, waits in
 * while loops */
#include <pthread.h>
#include <stdio.h>

#define SLOTS 8
#define ITEMS 3000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* guards ring, head, tail, n */
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static int ring[SLOTS], head, tail, n;

static void *producer(void *arg)
{
    for (int i = 1; i <= ITEMS; i++) {
        pthread_mutex_lock(&lock);
        while (n == SLOTS)
            pthread_cond_wait(&not_full, &lock);
        ring[head] = i;
        head = (head + 1) % SLOTS;
        n++;
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&lock);
    }
    return arg;
}

static void *consumer(void *arg)
{
    long sum = 0;
    for (int i = 0; i < ITEMS / 2; i++) {
        pthread_mutex_lock(&lock);
        while (n == 0)
            pthread_cond_wait(&not_empty, &lock);
        sum += ring[tail];
        tail = (tail + 1) % SLOTS;
        n--;
        pthread_cond_signal(&not_full);
        pthread_mutex_unlock(&lock);
    }
    *(long *)arg = sum;
    return NULL;
}

int main(void)
{
    long a, b;
    pthread_t p, c1, c2;
    pthread_create(&p, NULL, producer, NULL);
    pthread_create(&c1, NULL, consumer, &a);
    pthread_create(&c2, NULL, consumer, &b);
    pthread_join(p, NULL);
    pthread_join(c1, NULL);
    pthread_join(c2, NULL);
    printf("sum %ld\n", a + b);
    return 0;
}
