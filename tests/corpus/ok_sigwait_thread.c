/* racy: no — signals handled synchronously: every thread blocks SIGUSR1 and one thread takes
 * them with sigwait, so no handler runs asynchronously */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>

static void *signal_taker(void *arg)
{
    sigset_t *set = arg;
    int sig = 0;
    if (sigwait(set, &sig) != 0)
        return NULL;
    return (void *)(long)(sig == SIGUSR1);
}

int main(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    pthread_t t;
    pthread_create(&t, NULL, signal_taker, &set);
    pthread_kill(t, SIGUSR1);
    void *got;
    pthread_join(t, &got);
    printf("got SIGUSR1: %ld\n", (long)got);
    return 0;
}
