/* racy: yes — check-then-act: the check and the sale are each locked, but separately, so two
 * threads can both see the last ticket and oversell (no data race: TSan cannot see it) */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* guards left and sold */
static int left = 100;
static int sold;

static int tickets_left(void)
{
    pthread_mutex_lock(&lock);
    int n = left;
    pthread_mutex_unlock(&lock);
    return n;
}

static void *buyer(void *arg)
{
    for (;;) {
        if (tickets_left() <= 0)
            break;
        sched_yield(); /* a window between the check and the act */
        pthread_mutex_lock(&lock);
        left--;
        sold++;
        pthread_mutex_unlock(&lock);
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
