/* racy: no — a spinlock made of atomic_flag (test-and-set acquires, clear releases) */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>

static atomic_flag spin = ATOMIC_FLAG_INIT; /* guards count */
static long count;

static void *work(void *arg)
{
    for (int i = 0; i < 5000; i++) {
        while (atomic_flag_test_and_set_explicit(&spin, memory_order_acquire))
            sched_yield();
        count++;
        atomic_flag_clear_explicit(&spin, memory_order_release);
    }
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
