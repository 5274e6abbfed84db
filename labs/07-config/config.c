/*
 * config.c - the configuration, loaded on first use (this is the file you change).
 *
 * Loading reads a file, so it happens lazily, in the first config_get(). The
 * previous maintainer knew that two threads might arrive at once, and added
 * a second check after the slow load, so that only one of them would store
 * its copy. Yet the server's log shows the configuration file being read
 * four times at start-up, and ThreadSanitizer reports races on `loaded` and
 * `config`.
 *
 * Your job: make config_get() load the configuration exactly once, however
 * many threads call it at the same moment, and hand every caller the fully
 * loaded configuration. You may change anything in this file; keep
 * config_get() behaving as config.h documents. config.h and the tests stay
 * as they are.
 */
#include "config.h"

#include <stdbool.h>

static struct config config; /* the configuration, once loaded */
static bool loaded;          /* true once config holds the file's contents */

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
    return &config;
}
