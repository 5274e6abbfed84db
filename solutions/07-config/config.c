/*
 * config.c - reference solution for 07-config (instructor only).
 *
 * pthread_once() runs load_config() exactly once in the life of the
 * program, however many threads call it at the same time: the first caller
 * runs it, and every other caller waits inside pthread_once() until it has
 * finished. It also orders memory: everything load_config() wrote is
 * visible to every thread once its pthread_once() returns, so no caller can
 * see a half-loaded configuration. After the first time, pthread_once() is
 * a cheap check, so calling it on every config_get() costs next to nothing.
 *
 * Why the starter's "check again" could not work: both checks read `loaded`
 * without any synchronisation, so two threads can both see false and both
 * load (the slow load sits right between the checks). The reads are also
 * data races, so nothing even guarantees that a thread which sees
 * loaded == true sees the contents of config written before it.
 */
#include "config.h"

#include <pthread.h>

static pthread_once_t config_once = PTHREAD_ONCE_INIT; /* guards config: load_config runs once */
static struct config config; /* written only by load_config, read-only afterwards */

static void load_config(void)
{
    config_load(&config);
}

const struct config *config_get(void)
{
    pthread_once(&config_once, load_config);
    return &config;
}
