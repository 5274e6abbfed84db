/* racy: yes — processes expecting shared memory: forked workers increment a MAP_SHARED counter
 * without a lock (a race between processes, which ThreadSanitizer cannot see) */
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    volatile long *counter =
        mmap(NULL, sizeof *counter, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    int gate[2];
    if (pipe(gate) != 0)
        return 1;
    for (int w = 0; w < 4; w++)
        if (fork() == 0) {
            char go;
            close(gate[1]);
            (void)!read(gate[0], &go, 1); /* all start together when the gate closes */
            for (int i = 0; i < 200000; i++)
                *counter = *counter + 1;
            _exit(0);
        }
    close(gate[1]);
    while (wait(NULL) > 0)
        ;
    printf("counter %ld of 800000\n", *counter);
    return 0;
}
