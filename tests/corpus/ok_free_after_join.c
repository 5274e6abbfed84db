/* racy: no — the job is freed only after the worker that reads it has been joined */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct job {
    int id;
};

static void *worker(void *arg)
{
    struct job *j = arg;
    return (void *)(long)(j->id * 2);
}

int main(void)
{
    struct job *j = malloc(sizeof *j);
    j->id = 7;
    pthread_t t;
    pthread_create(&t, NULL, worker, j);
    void *r;
    pthread_join(t, &r);
    free(j);
    printf("result %ld\n", (long)r);
    return 0;
}
