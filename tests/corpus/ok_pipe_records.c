/* racy: no — serialised records between processes: each child writes its whole record with one
 * write() of less than PIPE_BUF bytes, which POSIX makes atomic; the parent reads whole records */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct record {
    char key, value;
};

int main(void)
{
    int p[2];
    if (pipe(p) != 0)
        return 1;
    for (int w = 0; w < 4; w++)
        if (fork() == 0) {
            close(p[0]);
            for (int r = 0; r < 50; r++) {
                struct record rec = {(char)('A' + w), (char)('a' + w)};
                (void)!write(p[1], &rec, sizeof rec);
            }
            _exit(0);
        }
    close(p[1]);
    struct record rec;
    int good = 0, bad = 0;
    while (read(p[0], &rec, sizeof rec) == sizeof rec) {
        if (rec.value == rec.key - 'A' + 'a')
            good++;
        else
            bad++;
    }
    while (wait(NULL) > 0)
        ;
    printf("records %d garbled %d\n", good, bad);
    return 0;
}
