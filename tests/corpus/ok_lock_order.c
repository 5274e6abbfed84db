/* racy: no — transfers between two accounts always lock the lower-numbered account first */
#include <pthread.h>
#include <stdio.h>

struct account {
    int id;
    pthread_mutex_t lock; /* guards balance */
    long balance;
};

static struct account acct[2] = {{0, PTHREAD_MUTEX_INITIALIZER, 1000},
                                 {1, PTHREAD_MUTEX_INITIALIZER, 1000}};

static void transfer(struct account *from, struct account *to, long amount)
{
    struct account *first = from->id < to->id ? from : to;
    struct account *second = first == from ? to : from;
    pthread_mutex_lock(&first->lock);
    pthread_mutex_lock(&second->lock);
    from->balance -= amount;
    to->balance += amount;
    pthread_mutex_unlock(&second->lock);
    pthread_mutex_unlock(&first->lock);
}

static void *teller(void *arg)
{
    long dir = (long)arg;
    for (int i = 0; i < 2000; i++)
        transfer(&acct[dir], &acct[1 - dir], 1);
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    for (long i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, teller, (void *)i);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("total %ld\n", acct[0].balance + acct[1].balance);
    return 0;
}
