/* racy: no — data handed over by pthread_create and back by pthread_join, never touched by two
 * threads at once */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct task {
    int n;
    long result;
};

static void *square_sum(void *arg)
{
    struct task *t = arg;
    for (int i = 1; i <= t->n; i++)
        t->result += (long)i * i;
    return NULL;
}

int main(void)
{
    struct task *tasks = calloc(4, sizeof *tasks);
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        tasks[i].n = 100 * (i + 1);
        pthread_create(&t[i], NULL, square_sum, &tasks[i]);
    }
    long total = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        total += tasks[i].result;
    }
    printf("total %ld\n", total);
    free(tasks);
    return 0;
}
