/*
 * commands.h - racelab's subcommands. Each takes the subcommand's own argv
 * (argv[0] is its name), prints what the user sees, and returns the process
 * exit status:
 *   0  done (check: and every lab earned full marks)
 *   1  check: some lab is not at full marks yet
 *   2  the user's mistake: bad option, unknown lab, unusable submission
 *   3  the grader's environment failed (toolchain, disk); a result file is
 *      still written where one was asked for
 */
#ifndef RL_COMMANDS_H
#define RL_COMMANDS_H

int cmd_list(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_grade(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_new(int argc, char **argv);
int cmd_grade_all(int argc, char **argv);
int cmd_regrade_diff(int argc, char **argv);
int cmd_run(int argc, char **argv); /* 0 nothing found, 1 problems, 2 usage/compile error */
int cmd_pack(int argc, char **argv);

/* Shared by check and grade: grades each lab of `labs` (manifests moved in)
 * with its student files into r->labs. */
#include "grade.h"
#include "report.h"
#include "session.h"
void commands_grade_labs(session *s, const cli_options *o, lab_manifest *labs,
                         strlist *student_paths, size_t n, report *r);

#endif
