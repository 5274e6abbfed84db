/* racy: yes — two racing writes far apart in time: the first thread writes `mode` at its start,
 * the second only after a long stretch of unrelated (per-thread) locking and memory work */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static int mode;

static void *early(void *arg)
{
    mode = 1;
    return arg;
}

static void *late(void *arg)
{
    pthread_mutex_t own = PTHREAD_MUTEX_INITIALIZER; /* guards nothing shared */
    long *scratch = calloc(1 << 16, sizeof *scratch);
    for (int round = 0; round < 20; round++)
        for (int i = 0; i < (1 << 16); i++) {
            pthread_mutex_lock(&own);
            scratch[i] += i;
            pthread_mutex_unlock(&own);
        }
    mode = 2;
    *(long *)arg = scratch[5];
    free(scratch);
    return NULL;
}

int main(void)
{
    long out;
    pthread_t a, b;
    pthread_create(&b, NULL, late, &out);
    pthread_create(&a, NULL, early, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("out %ld\n", out);
    return 0;
}
