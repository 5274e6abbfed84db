/* racy: yes — use after free across threads: main frees the job while the worker still reads it */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct job {
    int id;
    int done;
};

static void *worker(void *arg)
{
    struct job *j = arg;
    usleep(20000);
    return (void *)(long)j->id;
}

int main(void)
{
    struct job *j = malloc(sizeof *j);
    j->id = 7;
    j->done = 0;
    pthread_t t;
    pthread_create(&t, NULL, worker, j);
    usleep(1000);
    free(j); /* the worker has not read it yet */
    void *r;
    pthread_join(t, &r);
    puts("joined");
    return 0;
}
