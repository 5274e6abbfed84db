/* racy: no — forked children report through their exit statuses; the parent reaps each by pid,
 * in order */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    pid_t kids[4];
    for (int w = 0; w < 4; w++) {
        kids[w] = fork();
        if (kids[w] == 0)
            _exit(w * 3);
    }
    int sum = 0;
    for (int w = 0; w < 4; w++) {
        int status;
        if (waitpid(kids[w], &status, 0) == kids[w] && WIFEXITED(status))
            sum += WEXITSTATUS(status);
    }
    printf("sum %d\n", sum);
    return 0;
}
