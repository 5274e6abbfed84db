/* racy: yes — check-then-act on an unlocked flag: both threads may see `claimed` clear and
 * both claim the job (a data race on claimed and on winner) */
#include <pthread.h>
#include <stdio.h>

static int claimed;
static int winner;

static void *worker(void *arg)
{
    if (!claimed) {
        claimed = 1;
        winner = (int)(long)arg;
    }
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    for (long i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, (void *)(i + 1));
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("claimed %d\n", claimed);
    return winner < 0;
}
