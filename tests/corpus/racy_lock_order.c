/* racy: yes — lock-order inversion: one thread takes a then b, the other b then a; they run
 * one after the other here so it never hangs, but another schedule deadlocks */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER; /* guards x */
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER; /* guards y */
static int x, y;

static void *ab(void *arg)
{
    pthread_mutex_lock(&a);
    pthread_mutex_lock(&b);
    x++, y++;
    pthread_mutex_unlock(&b);
    pthread_mutex_unlock(&a);
    return arg;
}

static void *ba(void *arg)
{
    pthread_mutex_lock(&b);
    pthread_mutex_lock(&a);
    x++, y++;
    pthread_mutex_unlock(&a);
    pthread_mutex_unlock(&b);
    return arg;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, ab, NULL);
    pthread_join(t, NULL);
    pthread_create(&t, NULL, ba, NULL);
    pthread_join(t, NULL);
    printf("x %d y %d\n", x, y);
    return 0;
}
