/*
 * lab_template.h - the lab `racelab new NAME` writes when no --from LAB is
 * given: a shared counter that threads bump at once. The starter loses
 * updates (a real data race, flagged by ThreadSanitizer in every run), the
 * reference solution guards the counter with a mutex, so `racelab validate`
 * passes on the new lab at once and the instructor rewrites it from a
 * working state.
 *
 * Paths and texts hold placeholders that cmd_new.c fills in:
 *   @ID@     the lab id, "16-hit-counter"
 *   @STEM@   the file stem, the name with '-' as '_': "hit_counter"
 *   @GUARD@  the header guard: "HIT_COUNTER_H"
 * The C identifiers (struct counter, counter_add, ...) do not depend on the
 * name, so no name can make the template clash with the C library.
 *
 * The template's solution is in this source, which the student handout
 * carries with the rest of harness/: it is a starting point to rewrite,
 * not a lab to hand out as it is (labs/README.md says so).
 *
 * Ownership: the table and its strings are static constants.
 */
#ifndef RL_LAB_TEMPLATE_H
#define RL_LAB_TEMPLATE_H

typedef struct {
    const char *path; /* below the project root: "labs/@ID@/@STEM@.c" */
    const char *text;
} lab_template_file;

/* The template's files, ended by an entry with a NULL path. */
extern const lab_template_file lab_template_files[];

#endif
