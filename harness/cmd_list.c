/*
 * cmd_list.c - `racelab list`: the labs of this project, one line each.
 */
#include "cli.h"
#include "commands.h"
#include "manifest.h"
#include "session.h"

#include <stdio.h>

static const char usage[] = "usage: racelab list\n"
                            "Lists the labs: id, points and what each one teaches.\n";

int cmd_list(int argc, char **argv)
{
    cli_options o;
    int rc0 = cli_start(argc, argv, 0, usage, &o);
    if (rc0 >= 0)
        return rc0;
    rl_err err = {{0}};
    session s;
    strlist ids = {0};
    int rc = 0;
    if (session_open(&s, &o, &err) != RL_OK || session_lab_ids(&s, &ids, &err) != RL_OK) {
        fprintf(stderr, "racelab: %s\n", err.msg);
        rc = 2;
    }
    for (size_t i = 0; rc == 0 && i < ids.n; i++) {
        lab_manifest m;
        if (manifest_load(s.labs_root, s.solutions_root, ids.items[i], &m, &err) != RL_OK) {
            printf("%-16s  (broken: %s)\n", ids.items[i], err.msg);
            rc = 2;
            continue;
        }
        printf("%-16s %4g pts  %s\n", m.id, m.max_points, m.summary ? m.summary : m.title);
        manifest_free(&m);
    }
    strlist_free(&ids);
    session_close(&s);
    cli_options_free(&o);
    return rc;
}
