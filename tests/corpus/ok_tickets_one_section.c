/* racy: no — check-then-act fixed: the check and the sale are one critical section */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* guards left and sold */
static int left = 100;
static int sold;

static void *buyer(void *arg)
{
    for (;;) {
        pthread_mutex_lock(&lock);
        if (left <= 0) {
            pthread_mutex_unlock(&lock);
            break;
        }
        left--;
        sold++;
        pthread_mutex_unlock(&lock);
        sched_yield();
    }
    return arg;
}

int main(void)
{
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, buyer, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    printf("sold %d of 100\n", sold);
    return 0;
}
