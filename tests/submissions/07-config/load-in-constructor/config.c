/*
 * What the student tried: sidestep the race by loading before any thread
 * exists. A constructor runs pthread_once() at program start-up, before
 * main(), so the configuration is already there when the threads arrive;
 * config_get() still calls pthread_once (a cheap no-op by then). There is no
 * race and one load, but it is no longer lazy: the configuration is loaded
 * even by a program that never asks for it, which config.h forbids ("only
 * when the configuration is first needed") and the tests check first.
 */
#include "config.h"

#include <pthread.h>

static pthread_once_t config_once = PTHREAD_ONCE_INIT; /* guards config: load_config runs once */
static struct config config; /* written only by load_config, read-only afterwards */

static void load_config(void)
{
    config_load(&config);
}

__attribute__((constructor)) static void load_early(void)
{
    pthread_once(&config_once, load_config);
}

const struct config *config_get(void)
{
    pthread_once(&config_once, load_config);
    return &config;
}
