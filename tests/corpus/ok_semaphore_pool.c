/* racy: no — a pool of 2 slots guarded by a counting semaphore; the in-use count is atomic */
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>

static sem_t slots;
static atomic_int in_use, too_many;

static void *user(void *arg)
{
    for (int i = 0; i < 200; i++) {
        sem_wait(&slots);
        if (atomic_fetch_add(&in_use, 1) + 1 > 2)
            atomic_store(&too_many, 1);
        atomic_fetch_sub(&in_use, 1);
        sem_post(&slots);
    }
    return arg;
}

int main(void)
{
    sem_init(&slots, 0, 2);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, user, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    printf("too many: %d\n", atomic_load(&too_many));
    sem_destroy(&slots);
    return 0;
}
