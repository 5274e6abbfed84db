/* racy: yes — a stop flag spun on without synchronisation: a plain bool written by main and
 * read in the worker's loop */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

static bool stop;
static long loops;

static void *spinner(void *arg)
{
    while (!stop)
        loops++;
    return arg;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, spinner, NULL);
    usleep(10000);
    stop = true;
    pthread_join(t, NULL);
    puts("stopped");
    return 0;
}
