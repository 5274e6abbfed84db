/* racy: no — a stop flag as an atomic with release/acquire; the worker's result is read after
 * join */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

static atomic_bool stop;

static void *spinner(void *arg)
{
    long loops = 0;
    while (!atomic_load_explicit(&stop, memory_order_acquire))
        loops++;
    *(long *)arg = loops;
    return NULL;
}

int main(void)
{
    long loops;
    pthread_t t;
    pthread_create(&t, NULL, spinner, &loops);
    usleep(10000);
    atomic_store_explicit(&stop, true, memory_order_release);
    pthread_join(t, NULL);
    printf("stopped%s\n", loops >= 0 ? "" : "?");
    return 0;
}
