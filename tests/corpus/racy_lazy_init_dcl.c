/* racy: yes — double-checked lazy initialisation: the first check reads `config` without the
 * lock, racing with the write inside it */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct config {
    int port;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* guards the creation of config */
static struct config *config;

static struct config *get_config(void)
{
    if (!config) {
        pthread_mutex_lock(&lock);
        if (!config) {
            struct config *c = malloc(sizeof *c);
            c->port = 8080;
            config = c;
        }
        pthread_mutex_unlock(&lock);
    }
    return config;
}

static void *user(void *arg)
{
    *(int *)arg = get_config()->port;
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
    printf("port %d\n", port[0]);
    free(config);
    return 0;
}
