/*
 * racelab_lab.h - what a lab's test program may ask of the grader.
 *
 * The harness runs every trial with these variables set; a test program
 * reads them through the functions below so that each trial exercises a
 * different thread count and seed, and a student running the program by hand
 * gets sensible defaults.
 *
 *   RACELAB_THREADS  worker threads (or processes) to start in this trial
 *   RACELAB_SEED     seed for any randomness in the test, reproducible
 *   RACELAB_TRIAL    the trial's number (0-based)
 */
#ifndef RACELAB_LAB_H
#define RACELAB_LAB_H

#include <stdio.h>
#include <stdlib.h>

/* A positive integer from the environment, or fallback when unset or bad. */
static inline long racelab_env_long(const char *name, long fallback)
{
    const char *s = getenv(name);
    if (!s || !*s)
        return fallback;
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (*end != '\0' || v <= 0 || v > 1000000)
        return fallback;
    return v;
}

/* Threads to use in this trial (2 to 64), fallback when not run by racelab. */
static inline int racelab_threads(int fallback)
{
    long v = racelab_env_long("RACELAB_THREADS", fallback);
    if (v < 2)
        v = 2;
    if (v > 64)
        v = 64;
    return (int)v;
}

/* The trial's seed, fallback when not run by racelab. */
static inline unsigned racelab_seed(unsigned fallback)
{
    return (unsigned)racelab_env_long("RACELAB_SEED", (long)fallback);
}

/* Fails the running cmocka test with a printf-style message, as
 * racelab_fail("%ld cents were lost", lost). Include <cmocka.h> first.
 * cmocka 1.1's fail_msg() prints its text to stderr but leaves it out of the
 * XML report the grader reads; _assert_true() keeps it there. */
#define racelab_fail(...)                                                                          \
    do {                                                                                           \
        char racelab_why_[512];                                                                    \
        snprintf(racelab_why_, sizeof racelab_why_, __VA_ARGS__);                                  \
        _assert_true(0, racelab_why_, __FILE__, __LINE__);                                         \
    } while (0)

#endif
