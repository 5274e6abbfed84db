/* racy: yes — signal race: the handler calls malloc and printf, which are not
 * async-signal-safe, while the interrupted code may be inside them */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void on_usr1(int sig)
{
    char *msg = malloc(32);
    snprintf(msg, 32, "got %d", sig);
    printf("%s\n", msg);
    free(msg);
}

int main(void)
{
    signal(SIGUSR1, on_usr1);
    for (int i = 0; i < 3; i++) {
        raise(SIGUSR1);
        usleep(1000);
    }
    return 0;
}
