/*
 * What the student tried: the starter's double check, with `volatile` on the
 * flag and the configuration, so the compiler "can't cache them". volatile
 * makes every access go to memory, but it orders nothing between threads
 * and makes no check-and-set atomic: every thread that arrives during the
 * slow load still sees loaded == false and loads again, and the accesses are
 * still data races.
 */
#include "config.h"

#include <stdbool.h>

static volatile struct config config; /* the configuration, once loaded */
static volatile bool loaded;          /* true once config holds the file's contents */

const struct config *config_get(void)
{
    if (!loaded) { /* first use: load the file */
        struct config fresh;
        config_load(&fresh); /* slow: reads and parses the file */
        if (!loaded) {       /* check again: another thread may have finished first */
            config = fresh;
            loaded = true;
        }
    }
    return (const struct config *)&config;
}
