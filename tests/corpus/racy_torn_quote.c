/* racy: yes — torn reads: a writer updates a two-field quote without a lock while readers read
 * both fields */
#include <pthread.h>
#include <stdio.h>

struct quote {
    long bid, ask; /* ask is always bid + 1 */
};

static struct quote q = {0, 1};

static void *writer(void *arg)
{
    for (long i = 1; i <= 5000; i++) {
        q.bid = i;
        q.ask = i + 1;
    }
    return arg;
}

static void *reader(void *arg)
{
    long torn = 0;
    for (int i = 0; i < 5000; i++) {
        struct quote c = q;
        torn += c.ask != c.bid + 1;
    }
    *(long *)arg = torn;
    return NULL;
}

int main(void)
{
    long torn;
    pthread_t w, r;
    pthread_create(&w, NULL, writer, NULL);
    pthread_create(&r, NULL, reader, &torn);
    pthread_join(w, NULL);
    pthread_join(r, NULL);
    printf("final %ld %ld\n", q.bid, q.ask);
    return torn < 0;
}
