/*
 * report_frames.h - which frames of a ThreadSanitizer stack a student sees,
 * and how a frame, a stack and a thread's origin read in feedback.
 *
 * A frame belongs to the student's own files, the lab's visible tests (or
 * support files), a hidden test, racelab itself (the probe, racelab_probe_*,
 * and the support files copied into .racelab/) or the system (libc, cmocka,
 * the ThreadSanitizer runtime and its interceptors, anything unsymbolised).
 * Feedback leads with the student's frames and folds the rest away unless
 * asked for every frame; a hidden test's frame is never named beyond "a
 * hidden test", so its code and function names stay private.
 *
 * Everything a frame holds came from a log the student's process wrote, so
 * names are cleaned before they are appended. Functions append to the
 * caller's strbuf; returned frames are owned by their stack.
 */
#ifndef RL_REPORT_FRAMES_H
#define RL_REPORT_FRAMES_H

#include "grade.h"
#include "util.h"

typedef enum {
    FRAME_STUDENT, /* a file of lab.student_files */
    FRAME_TEST,    /* a visible test or support file of the lab */
    FRAME_HIDDEN,  /* a hidden test */
    FRAME_RACELAB, /* the probe and racelab's own files */
    FRAME_SYSTEM,  /* libc, cmocka, the TSan runtime, unknown code */
} frame_class;

frame_class report_frame_class(const lab_result *lab, const tsan_frame *f);

/* The first frame of s in a student file, or NULL. */
const tsan_frame *report_frame_student(const lab_result *lab, const tsan_stack *s);

/* The frame that says where a stack came from, for a student: the first in
 * a student or visible test file; NULL when there is none or when a hidden
 * test's frame comes first (then *hidden is set). */
const tsan_frame *report_frame_origin(const lab_result *lab, const tsan_stack *s, bool *hidden);

/* Appends "func() at file:line" ("file:line" without a function name). */
void report_frame_where(strbuf *sb, const tsan_frame *f);

/* Appends every frame of s, one line each ("<indent>#2 func file:line:col"),
 * a hidden test's frames as "(in a hidden test)". */
void report_frame_stack(strbuf *sb, const lab_result *lab, const tsan_stack *s, int indent);

/* True when s holds a frame a non-verbose report leaves out. */
bool report_frame_folds(const lab_result *lab, const tsan_stack *s);

/* Appends s cleaned (report_clean_text), on one line, at most 200 bytes:
 * how a name from a log (a function, a file, a variable) is shown. */
void report_append_name(strbuf *sb, const char *s);

/* Appends "the main thread", "thread T3" or "a thread". */
void report_thread_name(strbuf *sb, int thread);

/* Appends where thread `id` of finding f was started, as "started in
 * run_tellers() at test_bank.c:87" or "started by a hidden test"; appends
 * nothing and returns false when the report does not say. */
bool report_thread_origin(strbuf *sb, const lab_result *lab, const tsan_finding *f, int id);

/* The description of thread `id` in f, or NULL. */
const tsan_thread *report_thread_find(const tsan_finding *f, int id);

#endif
