/* racy: no — lazy initialisation with pthread_once */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct config {
    int port;
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct config *config;

static void make_config(void)
{
    config = malloc(sizeof *config);
    config->port = 8080;
}

static void *user(void *arg)
{
    pthread_once(&once, make_config);
    *(int *)arg = config->port;
    return NULL;
}

int main(void)
{
    pthread_t t[4];
    int port[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, user, &port[i]);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    printf("port %d %d\n", port[0], port[3]);
    free(config);
    return 0;
}
