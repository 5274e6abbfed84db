/* racy: yes — lost update on a heap account: deposits and withdrawals touch balance unlocked */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct account {
    long balance;
};

static void *teller(void *arg)
{
    struct account *a = arg;
    for (int i = 0; i < 5000; i++) {
        a->balance += 10;
        if (a->balance >= 5)
            a->balance -= 5;
    }
    return NULL;
}

int main(void)
{
    struct account *a = calloc(1, sizeof *a);
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, teller, a);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    printf("balance %ld\n", a->balance);
    free(a);
    return 0;
}
