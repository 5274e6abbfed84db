/*
 * include-solution - no code of its own: the whole file is an #include of
 * the reference solution, by its absolute path in the grader's checkout.
 *
 * Attack: let the compiler fetch the answer. A compiler running as the
 * grader's own user, outside the sandbox, reads every file of the project,
 * solutions/ included (racelab's compiler did, until it was moved into the
 * sandbox). The grader must refuse: building a submission may only read the
 * lab's files and the student's own, so the build must fail (file not
 * found) and every check scores 0.
 */
#include "@ROOT@/solutions/01-bank/bank.c"
