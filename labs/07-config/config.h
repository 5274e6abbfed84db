/*
 * config.h - the web server's configuration, loaded on first use (fixed: do
 * not change this file).
 *
 * Reading and parsing the configuration file is slow, and a server started
 * for a quick test may never need it, so the configuration is loaded
 * lazily: the first call to config_get() loads it, and every later call
 * returns the same, already loaded configuration. Many threads call
 * config_get() at once, from the very start, and any of them may be the
 * first.
 *
 * Who loads what: config_load() reads the file. It is NOT part of config.c:
 * the program that uses this module provides it (the tests bring their own,
 * which counts its calls). config.c decides when to call it.
 *
 * Ownership: the configuration belongs to config.c and lives until the
 * program ends. Callers only read it, through the pointer config_get()
 * returns.
 */
#ifndef CONFIG_H
#define CONFIG_H

struct config {
    char server_name[64];
    char document_root[128];
    int port;
    int max_clients;
    int timeout_ms;
};

/* Provided by the program: reads the configuration file into *cfg, filling
 * every field. Slow (it reads a file). It must be called at most once in the
 * life of the program, and only when the configuration is first needed. */
void config_load(struct config *cfg);

/* The configuration. The first call, from whichever thread, loads it with
 * exactly one call to config_load(); calls that arrive while it is being
 * loaded wait for it. Every call, from every thread, returns the same
 * pointer to the fully loaded configuration, which never changes afterwards.
 * Safe to call from any number of threads at once. */
const struct config *config_get(void);

#endif
