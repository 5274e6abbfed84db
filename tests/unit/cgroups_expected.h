/*
 * cgroups_expected.h - for the tests of per-run cgroups (tests/unit/test_run.c
 * and tests/e2e/test_hostile.c): whether this machine should give racelab
 * cgroups, judged without racelab's own detection code.
 */
#ifndef RL_TEST_CGROUPS_EXPECTED_H
#define RL_TEST_CGROUPS_EXPECTED_H

#include "util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Whether this machine should give racelab cgroups, judged without
 * racelab's code: root, with writable cgroup v1 pids and memory
 * hierarchies (this project's machines and CI), or at the root of a cgroup
 * v2 hierarchy that has both controllers. */
static inline bool cgroups_expected(void)
{
    if (geteuid() != 0)
        return false;
    if (access("/sys/fs/cgroup/pids/cgroup.procs", W_OK) == 0 &&
        access("/sys/fs/cgroup/memory/cgroup.procs", W_OK) == 0)
        return true;
    char *own = NULL, *controllers = NULL;
    size_t len;
    bool v2_root = file_read("/proc/self/cgroup", 4096, &own, &len, NULL, NULL) == RL_OK &&
                   strcmp(own, "0::/\n") == 0 &&
                   file_read("/sys/fs/cgroup/cgroup.controllers", 4096, &controllers, &len, NULL,
                             NULL) == RL_OK &&
                   strstr(controllers, "pids") && strstr(controllers, "memory");
    free(own);
    free(controllers);
    return v2_root;
}

#endif
