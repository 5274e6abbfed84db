/* racy: yes — unserialised data between processes: each child sends a record as several
 * write()s to one shared pipe, so records from different children interleave */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int p[2];
    if (pipe(p) != 0)
        return 1;
    for (int w = 0; w < 4; w++)
        if (fork() == 0) {
            close(p[0]);
            for (int r = 0; r < 50; r++) {
                char key[2] = {(char)('A' + w), 0}, value[2] = {(char)('a' + w), 0};
                (void)!write(p[1], key, 1);
                usleep(1);
                (void)!write(p[1], value, 1);
            }
            _exit(0);
        }
    close(p[1]);
    char buf[2];
    int good = 0, bad = 0;
    while (read(p[0], buf, 1) == 1 && read(p[0], buf + 1, 1) == 1) {
        if (buf[1] == buf[0] - 'A' + 'a')
            good++;
        else
            bad++;
    }
    while (wait(NULL) > 0)
        ;
    printf("records %d garbled %d\n", good, bad);
    return 0;
}
