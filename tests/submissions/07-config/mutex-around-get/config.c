/*
 * What the student tried: a lock instead of the lab's tool. A mutex is held
 * for the whole of config_get(): the first caller finds `loaded` false and
 * loads while holding it, every other caller waits for the lock and then
 * finds `loaded` true. It is correct and race-free (every read and write of
 * `loaded` and `config` is under the lock), but it never calls pthread_once,
 * which the README asks for (uses-once), and every later call still takes
 * the lock.
 */
#include "config.h"

#include <pthread.h>
#include <stdbool.h>

static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER; /* guards config and loaded */
static struct config config; /* the configuration, once loaded */
static bool loaded;          /* true once config holds the file's contents */

const struct config *config_get(void)
{
    pthread_mutex_lock(&config_lock);
    if (!loaded) {
        config_load(&config);
        loaded = true;
    }
    pthread_mutex_unlock(&config_lock);
    return &config;
}
