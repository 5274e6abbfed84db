/* racy: yes — a hand-made barrier: threads count arrivals in a plain int and spin on it, with
 * no lock and no atomics */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

static int arrived;
static int results[3];

static void *phase(void *arg)
{
    long id = (long)arg;
    results[id] = (int)id * 10;
    arrived++;
    while (arrived < 3)
        sched_yield();
    return (void *)(long)results[(id + 1) % 3];
}

int main(void)
{
    pthread_t t[3];
    for (long i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, phase, (void *)i);
    long sum = 0;
    for (int i = 0; i < 3; i++) {
        void *r;
        pthread_join(t[i], &r);
        sum += (long)r;
    }
    printf("sum %ld\n", sum);
    return 0;
}
