/* racy: no — forked workers send their partial sums to the parent over their own pipes; the
 * parent reads each whole and reaps every child */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int fds[4];
    for (int w = 0; w < 4; w++) {
        int p[2];
        if (pipe(p) != 0)
            return 1;
        if (fork() == 0) {
            close(p[0]);
            long sum = 0;
            for (long i = w * 1000; i < (w + 1) * 1000; i++)
                sum += i;
            (void)!write(p[1], &sum, sizeof sum);
            _exit(0);
        }
        close(p[1]);
        fds[w] = p[0];
    }
    long total = 0;
    for (int w = 0; w < 4; w++) {
        long part = 0;
        if (read(fds[w], &part, sizeof part) == sizeof part)
            total += part;
        close(fds[w]);
    }
    while (wait(NULL) > 0)
        ;
    printf("total %ld\n", total);
    return 0;
}
