/* racy: yes — broken producer/consumer: a ring buffer whose head and tail are spun on as
 * plain ints, with no lock and no atomics */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

#define SLOTS 8
#define ITEMS 2000

static int ring[SLOTS];
static int head, tail; /* written by the producer and the consumer, unsynchronised */

static void *producer(void *arg)
{
    for (int i = 1; i <= ITEMS; i++) {
        while (head - tail == SLOTS)
            sched_yield();
        ring[head % SLOTS] = i;
        head++;
    }
    return arg;
}

static void *consumer(void *arg)
{
    long *sum = arg;
    for (int i = 0; i < ITEMS; i++) {
        while (tail == head)
            sched_yield();
        *sum += ring[tail % SLOTS];
        tail++;
    }
    return NULL;
}

int main(void)
{
    long sum = 0;
    pthread_t p, c;
    pthread_create(&p, NULL, producer, NULL);
    pthread_create(&c, NULL, consumer, &sum);
    pthread_join(p, NULL);
    pthread_join(c, NULL);
    printf("sum %ld\n", sum);
    return 0;
}
