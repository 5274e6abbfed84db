/* racy: yes — an ordering race (no data race): workers print as they finish, so the order of
 * the lines depends on the schedule though the program expects them in worker order */
#include <pthread.h>
#include <stdio.h>

static void *worker(void *arg)
{
    long id = (long)arg;
    volatile long spin = 0;
    for (long i = 0; i < 20000 * (4 - id); i++)
        spin += i;
    printf("worker %ld done%s\n", id, spin < 0 ? "?" : "");
    return NULL;
}

int main(void)
{
    pthread_t t[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    return 0;
}
