/*
 * include-solution-userns - no code of its own: the whole file is an
 * #include of the reference solution through /proc/1/cwd, graded under the
 * sandbox a grader that is not root gets (the runner sets
 * RACELAB_SANDBOX=namespaces: namespaces inside a user namespace, the
 * compiler and the trials keeping the grader's own uid).
 *
 * Attack: the compiler runs in the sandbox, with the project folder hidden
 * behind a tmpfs; but the namespace's init (pid 1) is forked from racelab
 * and keeps its working folder, the project, and /proc/1/cwd links to that
 * folder itself, not to the tmpfs over its path. A compiler running as the
 * same user may follow it. The grader must hide the project there too
 * (init should chdir() out of it): the include must fail, so the build
 * fails and every check scores 0.
 */
#include "/proc/1/cwd/solutions/01-bank/bank.c"
