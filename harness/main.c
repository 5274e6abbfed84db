/*
 * main.c - racelab's entry point: picks the subcommand and hands it the
 * rest of the command line. Nothing else happens here.
 */
#include "commands.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: racelab COMMAND [OPTIONS]\n"
    "Finds and grades concurrency bugs in C labs with ThreadSanitizer.\n"
    "\n"
    "  list                          the labs and what each one teaches\n"
    "  check [LAB]...                grade your working copy, as the grader will\n"
    "  grade --submission PATH ...   grade a submission (folder, .tar.gz, .zip)\n"
    "  replay LAB --seed N           run one trial again, same threads and noise\n"
    "  validate [LAB]...             prove each lab: starter flagged, solution full marks\n"
    "  new NAME [--from LAB]         scaffold a lab (and its solution) to write\n"
    "  grade-all DIR ...             grade a class: a gradebook CSV and a result per student\n"
    "  regrade-diff OLD.csv NEW.csv  who gained or lost points between two gradebooks\n"
    "  run FILE.c... [-- ARGS]       check any C program: races, hangs, crashes, flaky output\n"
    "  pack [--output FILE]          pack your files of every lab into the archive to hand in\n"
    "\n"
    "`racelab COMMAND --help` tells more about each.\n";

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } commands[] = {{"list", cmd_list},
                    {"check", cmd_check},
                    {"grade", cmd_grade},
                    {"validate", cmd_validate},
                    {"replay", cmd_replay},
                    {"new", cmd_new},
                    {"grade-all", cmd_grade_all},
                    {"regrade-diff", cmd_regrade_diff},
                    {"run", cmd_run},
                    {"pack", cmd_pack}};
    if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "racelab: unknown command '%s'; see `racelab --help`\n", argv[1]);
    return 2;
}
