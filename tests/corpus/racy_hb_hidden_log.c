/* racy: yes — a race a lucky schedule hides: the writer logs (under a mutex) after writing,
 * the reader logs before reading; when the writer logs first, the log's mutex orders the two
 * accesses and TSan sees no race; only the other order shows it */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER; /* guards log_lines only */
static int log_lines;
static int setting; /* shared, never locked: the bug */

static void log_line(void)
{
    pthread_mutex_lock(&log_lock);
    log_lines++;
    pthread_mutex_unlock(&log_lock);
}

static void *writer(void *arg)
{
    setting = 42;
    log_line();
    return arg;
}

static void *reader(void *arg)
{
    for (volatile int spin = 0; spin < 20000; spin++)
        ;
    log_line();
    *(int *)arg = setting;
    return NULL;
}

int main(void)
{
    int seen = 0;
    pthread_t w, r;
    pthread_create(&w, NULL, writer, NULL);
    pthread_create(&r, NULL, reader, &seen);
    pthread_join(w, NULL);
    pthread_join(r, NULL);
    printf("log lines %d\n", log_lines);
    return seen == -1;
}
