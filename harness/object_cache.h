/*
 * object_cache.h - keeps the probe's compiled objects from one racelab run
 * to the next, so that a build compiles only the student's code.
 *
 * The probe's sources do not change between gradings, yet compiling them
 * (with and without ThreadSanitizer, and the scheduler) costs more than
 * compiling a typical submission. An object is kept under a key that is the
 * SHA-256 of everything its bytes depend on: the compiler (path, version
 * line, size and time of its binary), the C library's version, the whole
 * command line and the bytes of every source the probe is built from. A
 * change to any of them is a new key, never a stale object.
 *
 * Only the harness's own sources are cached, never a student's: they are
 * compiled in a folder that holds the probe alone. The cache folder is
 * <project>/build/cache (RACELAB_CACHE=DIR elsewhere, RACELAB_CACHE=0
 * never); it lies inside the project, which the sandbox hides from every
 * compiler and trial, and it is written by racelab itself. An entry is
 * the object and a second file holding the object's own SHA-256, checked on
 * every fetch, so that a damaged object is rebuilt rather than linked.
 * Writes go to a temporary file renamed into place, so racelab processes
 * running at once never see half an object.
 *
 * Ownership: object_cache_key returns a new string; object_cache_dir a new
 * string or NULL.
 */
#ifndef RL_OBJECT_CACHE_H
#define RL_OBJECT_CACHE_H

#include "toolchain.h"
#include "util.h"

#include <stdbool.h>

/* The cache folder for a project root, or NULL when caching is off
 * (RACELAB_CACHE=0). The folder need not exist yet. */
char *object_cache_dir(const char *root);

/* The key of the object that `argv` (a compiler command) makes from the
 * files `sources` (paths, read now; their names count, not their folders)
 * with the compiler tc. A source that
 * cannot be read still gives a key, one no other input gives. */
char *object_cache_key(const toolchain *tc, const strlist *argv, const strlist *sources);

/* Copies the object kept under key to dest; false when there is none or it
 * is damaged (then the entry is removed). cache_dir may be NULL: false. */
bool object_cache_fetch(const char *cache_dir, const char *key, const char *dest);

/* Keeps a copy of the object at path under key. Best effort: a cache that
 * cannot be written (read-only project, full disk) is silently skipped. */
void object_cache_store(const char *cache_dir, const char *key, const char *path);

#endif
