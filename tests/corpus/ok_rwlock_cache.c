/* racy: no — a quote cache: readers share a read-write lock, the writer takes it exclusively */
#include <pthread.h>
#include <stdio.h>

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER; /* guards bid and ask */
static long bid = 0, ask = 1;

static void *writer(void *arg)
{
    for (long i = 1; i <= 3000; i++) {
        pthread_rwlock_wrlock(&lock);
        bid = i;
        ask = i + 1;
        pthread_rwlock_unlock(&lock);
    }
    return arg;
}

static void *reader(void *arg)
{
    long torn = 0;
    for (int i = 0; i < 3000; i++) {
        pthread_rwlock_rdlock(&lock);
        torn += ask != bid + 1;
        pthread_rwlock_unlock(&lock);
    }
    *(long *)arg = torn;
    return NULL;
}

int main(void)
{
    long torn[2];
    pthread_t w, r[2];
    pthread_create(&w, NULL, writer, NULL);
    for (int i = 0; i < 2; i++)
        pthread_create(&r[i], NULL, reader, &torn[i]);
    pthread_join(w, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(r[i], NULL);
    printf("torn %ld final %ld\n", torn[0] + torn[1], bid);
    return 0;
}
