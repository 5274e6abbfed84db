/* racy: no — forked workers count in MAP_SHARED memory under a process-shared mutex kept in the
 * same mapping */
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct shared {
    pthread_mutex_t lock; /* process-shared; guards counter */
    long counter;
};

int main(void)
{
    struct shared *s =
        mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(&s->lock, &attr);
    s->counter = 0;
    for (int w = 0; w < 3; w++)
        if (fork() == 0) {
            for (int i = 0; i < 2000; i++) {
                pthread_mutex_lock(&s->lock);
                s->counter++;
                pthread_mutex_unlock(&s->lock);
            }
            _exit(0);
        }
    while (wait(NULL) > 0)
        ;
    printf("counter %ld\n", s->counter);
    return 0;
}
