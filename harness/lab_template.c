/*
 * lab_template.c - the texts of the lab `racelab new` scaffolds (see
 * lab_template.h): a racy shared counter. Each file is written for the
 * person who reads it: the README and the starter for students, lab.ini
 * and the solution for the instructor, with a first comment saying what to
 * change. Kept close to 01-bank, whose checks are proven by `racelab
 * validate`: a barrier so the threads really overlap, worker threads that
 * never assert (cmocka's assertions only work on the main thread).
 */
#include "lab_template.h"

#include <stddef.h>

static const char readme[] =
    "<!-- Written by `racelab new` from its counter template. Replace the story,\n"
    "     the code and the checks with your lab's, keep the sections, and prove\n"
    "     the lab with `racelab validate @ID@` (labs/README.md says how). -->\n"
    "# Lab @ID@: The counter that loses counts\n"
    "\n"
    "Many threads count events on one shared counter, and the total comes out\n"
    "short: two threads that add at the same time can both read the same old\n"
    "value, and one of the two updates is lost.\n"
    "\n"
    "Your job is to make `@STEM@.c` safe when many threads use it at once.\n"
    "\n"
    "## What goes wrong\n"
    "\n"
    "`c->value += n` looks like one step, but the processor **reads** the\n"
    "value, **adds** and **writes** it back. Between the read and the write,\n"
    "another thread can do the same, and its update is overwritten: a **lost\n"
    "update**. ThreadSanitizer reports it as a data race at the two lines\n"
    "involved, even in a run where the timing happened to be harmless.\n"
    "\n"
    "## What to change\n"
    "\n"
    "Only `@STEM@.c`. Keep the functions of `@STEM@.h` as documented there. Put\n"
    "a `pthread_mutex_t` in `struct counter`, beside the value it guards, and\n"
    "hold it around every access to the value, reads included.\n"
    "\n"
    "## How it is graded (100 points)\n"
    "\n"
    "| check | points | what is checked |\n"
    "|---|---|---|\n"
    "| `race-free` | 50 | ThreadSanitizer reports nothing in any trial |\n"
    "| `counts-correct` | 35 | every test passes in every trial: no count is lost |\n"
    "| `uses-a-mutex` | 15 | your code locks and unlocks a mutex, and never sleeps or "
    "yields to hide the race |\n"
    "\n"
    "Each trial runs the tests with 2, 4 or 8 threads. The grader also runs\n"
    "hidden tests of the same kind.\n"
    "\n"
    "## How to run it\n"
    "\n"
    "```sh\n"
    "build/racelab check @ID@\n"
    "```\n"
    "\n"
    "## Hints\n"
    "\n"
    "<details><summary>Hint 1</summary>\n"
    "\n"
    "Every read-modify-write of shared data must happen as one indivisible\n"
    "step: that is what a lock held around it gives you.\n"
    "\n"
    "</details>\n";

static const char lab_ini[] =
    "; lab.ini - @ID@: what is built, how it is run, and how it is graded.\n"
    "; Written by `racelab new` from its counter template: change it with your\n"
    "; lab (labs/README.md documents every key), then `racelab validate @ID@`.\n"
    "[lab]\n"
    "title = The counter that loses counts\n"
    "summary = Threads bump one shared counter and lose updates: guard it with a mutex\n"
    "student_files = @STEM@.c\n"
    "support =\n"
    "tests = test_@STEM@.c\n"
    "hidden_tests = test_@STEM@_hidden.c\n"
    "trials = 8\n"
    "timeout = 10\n"
    "threads = 2 4 8\n"
    "starter_fails = race-free\n"
    "cflags =\n"
    "ldflags =\n"
    "\n"
    "[check race-free]\n"
    "title = No data races on the counter\n"
    "kind = race-free\n"
    "points = 50\n"
    "kinds =\n"
    "hint = Two threads touched the counter's value unordered. Put a pthread_mutex_t in "
    "struct counter and hold it around every access to the value, counter_value() included.\n"
    "\n"
    "[check counts-correct]\n"
    "title = Every count is kept\n"
    "kind = tests\n"
    "points = 35\n"
    "tests = *\n"
    "hint = value += n is a read, an add and a write: two threads can read the same old "
    "value. Hold the lock across the whole update.\n"
    "\n"
    "[check uses-a-mutex]\n"
    "title = The counter is guarded by a mutex\n"
    "kind = mechanism\n"
    "points = 15\n"
    "require = mutex_lock >= 100, mutex_unlock >= 100\n"
    "forbid = sleep, yield, spin_lock, busy_wait\n"
    "hint = This lab is about mutexes: lock a pthread_mutex_t around every access to the "
    "counter. Sleeping or yielding only hides the race.\n";

static const char header[] =
    "/*\n"
    " * @STEM@.h - a counter many threads add to at once (fixed: do not change\n"
    " * this file).\n"
    " *\n"
    " * Every function may be called by many threads at the same time on the\n"
    " * same counter. Ownership: counter_open() returns a new counter owned by\n"
    " * the caller, released with counter_close() once no thread uses it.\n"
    " */\n"
    "#ifndef @GUARD@\n"
    "#define @GUARD@\n"
    "\n"
    "struct counter;\n"
    "\n"
    "/* A new counter at 0, or NULL when out of memory. */\n"
    "struct counter *counter_open(void);\n"
    "\n"
    "/* Releases a counter no thread uses any more. */\n"
    "void counter_close(struct counter *c);\n"
    "\n"
    "/* Adds n (> 0) to the counter. */\n"
    "void counter_add(struct counter *c, long n);\n"
    "\n"
    "/* The value at one instant between the call and its return. */\n"
    "long counter_value(struct counter *c);\n"
    "\n"
    "#endif\n";

static const char starter[] =
    "/*\n"
    " * @STEM@.c - the shared counter (this is the file you change).\n"
    " *\n"
    " * Written for one thread; now many threads add to the same counter at\n"
    " * once and counts go missing. Make every function safe to call from many\n"
    " * threads at once. You may add fields and helpers; keep @STEM@.h as it is.\n"
    " */\n"
    "#include \"@STEM@.h\"\n"
    "\n"
    "#include <stdlib.h>\n"
    "\n"
    "struct counter {\n"
    "    long value;\n"
    "};\n"
    "\n"
    "struct counter *counter_open(void)\n"
    "{\n"
    "    return calloc(1, sizeof(struct counter));\n"
    "}\n"
    "\n"
    "void counter_close(struct counter *c)\n"
    "{\n"
    "    free(c);\n"
    "}\n"
    "\n"
    "void counter_add(struct counter *c, long n)\n"
    "{\n"
    "    c->value += n; /* read, add, write back */\n"
    "}\n"
    "\n"
    "long counter_value(struct counter *c)\n"
    "{\n"
    "    return c->value;\n"
    "}\n";

static const char solution[] =
    "/*\n"
    " * @STEM@.c - reference solution for @ID@ (instructor only).\n"
    " *\n"
    " * One mutex per counter, beside the value it guards; every access to the\n"
    " * value, the read in counter_value() included, holds it.\n"
    " */\n"
    "#include \"@STEM@.h\"\n"
    "\n"
    "#include <pthread.h>\n"
    "#include <stdlib.h>\n"
    "\n"
    "struct counter {\n"
    "    pthread_mutex_t lock; /* guards value */\n"
    "    long value;\n"
    "};\n"
    "\n"
    "struct counter *counter_open(void)\n"
    "{\n"
    "    struct counter *c = calloc(1, sizeof *c);\n"
    "    if (c && pthread_mutex_init(&c->lock, NULL) != 0) {\n"
    "        free(c);\n"
    "        return NULL;\n"
    "    }\n"
    "    return c;\n"
    "}\n"
    "\n"
    "void counter_close(struct counter *c)\n"
    "{\n"
    "    pthread_mutex_destroy(&c->lock);\n"
    "    free(c);\n"
    "}\n"
    "\n"
    "void counter_add(struct counter *c, long n)\n"
    "{\n"
    "    pthread_mutex_lock(&c->lock);\n"
    "    c->value += n;\n"
    "    pthread_mutex_unlock(&c->lock);\n"
    "}\n"
    "\n"
    "long counter_value(struct counter *c)\n"
    "{\n"
    "    pthread_mutex_lock(&c->lock);\n"
    "    long v = c->value;\n"
    "    pthread_mutex_unlock(&c->lock);\n"
    "    return v;\n"
    "}\n";

/* The part of both test programs that starts the threads. */
#define TEST_PROLOGUE                                                                              \
    "#include <setjmp.h>\n"                                                                        \
    "#include <stdarg.h>\n"                                                                        \
    "#include <stddef.h>\n"                                                                        \
    "#include <stdint.h>\n"                                                                        \
    "\n"                                                                                           \
    "#include <cmocka.h>\n"                                                                        \
    "\n"                                                                                           \
    "#include <pthread.h>\n"                                                                       \
    "#include <stdlib.h>\n"                                                                        \
    "\n"                                                                                           \
    "#include \"@STEM@.h\"\n"                                                                      \
    "#include \"racelab_lab.h\"\n"                                                                 \
    "\n"                                                                                           \
    "#define MAX_THREADS 64\n"                                                                     \
    "#define TOTAL_OPS 20000 /* shared out among the threads of a test */\n"                       \
    "\n"                                                                                           \
    "/* One thread's orders and report; workers never assert, the main thread does. */\n"          \
    "struct worker {\n"                                                                            \
    "    pthread_t thread;\n"                                                                      \
    "    pthread_barrier_t *start; /* all wait here, then begin together */\n"                     \
    "    struct counter *c;\n"                                                                     \
    "    long ops;\n"                                                                              \
    "    unsigned seed;  /* for rand_r */\n"                                                       \
    "    long added;     /* out: what this thread added */\n"                                      \
    "    long odd_reads; /* out: readings that went down */\n"                                     \
    "};\n"                                                                                         \
    "\n"                                                                                           \
    "/* Starts n workers, the first nadd running add, the rest other. */\n"                        \
    "static void run_workers(struct worker *w, int n, int nadd, void *(*add)(void *),\n"           \
    "                        void *(*other)(void *))\n"                                            \
    "{\n"                                                                                          \
    "    pthread_barrier_t start;\n"                                                               \
    "    assert_int_equal(pthread_barrier_init(&start, NULL, (unsigned)n), 0);\n"                  \
    "    for (int i = 0; i < n; i++) {\n"                                                          \
    "        w[i].start = &start;\n"                                                               \
    "        assert_int_equal(pthread_create(&w[i].thread, NULL, i < nadd ? add : other, "         \
    "&w[i]),\n"                                                                                    \
    "                         0);\n"                                                               \
    "    }\n"                                                                                      \
    "    for (int i = 0; i < n; i++)\n"                                                            \
    "        assert_int_equal(pthread_join(w[i].thread, NULL), 0);\n"                              \
    "    pthread_barrier_destroy(&start);\n"                                                       \
    "}\n"                                                                                          \
    "\n"

static const char visible_test[] =
    "/*\n"
    " * test_@STEM@.c - visible tests for @ID@: many threads share one counter.\n"
    " *\n"
    " * Each test starts RACELAB_THREADS threads (4 when run by hand), lines\n"
    " * them up at a barrier so they really overlap, then checks the count.\n"
    " */\n" TEST_PROLOGUE "/* Reads the counter over and over; counts readings that went down. */\n"
    "static void *reader(void *arg)\n"
    "{\n"
    "    struct worker *w = arg;\n"
    "    long last = 0;\n"
    "    pthread_barrier_wait(w->start);\n"
    "    for (long i = 0; i < w->ops; i++) {\n"
    "        long now = counter_value(w->c);\n"
    "        w->odd_reads += now < last;\n"
    "        last = now;\n"
    "    }\n"
    "    return NULL;\n"
    "}\n"
    "\n"
    "static void *add_ones(void *arg)\n"
    "{\n"
    "    struct worker *w = arg;\n"
    "    pthread_barrier_wait(w->start);\n"
    "    for (long i = 0; i < w->ops; i++)\n"
    "        counter_add(w->c, 1);\n"
    "    w->added = w->ops;\n"
    "    return NULL;\n"
    "}\n"
    "\n"
    "/* One thread alone: the documented behaviour, before any concurrency. */\n"
    "static void counter_works_single_threaded(void **state)\n"
    "{\n"
    "    (void)state;\n"
    "    struct counter *c = counter_open();\n"
    "    assert_non_null(c);\n"
    "    assert_int_equal(counter_value(c), 0);\n"
    "    counter_add(c, 5);\n"
    "    counter_add(c, 7);\n"
    "    assert_int_equal(counter_value(c), 12);\n"
    "    counter_close(c);\n"
    "}\n"
    "\n"
    "/* Every thread adds 1 many times: not a single count may be lost. */\n"
    "static void counts_are_never_lost(void **state)\n"
    "{\n"
    "    (void)state;\n"
    "    int n = racelab_threads(4);\n"
    "    struct worker w[MAX_THREADS] = {0};\n"
    "    struct counter *c = counter_open();\n"
    "    assert_non_null(c);\n"
    "    for (int i = 0; i < n; i++)\n"
    "        w[i] = (struct worker){.c = c, .ops = TOTAL_OPS / n};\n"
    "    run_workers(w, n, n, add_ones, NULL);\n"
    "    long expected = (long)n * (TOTAL_OPS / n), value = counter_value(c);\n"
    "    if (value != expected)\n"
    "        racelab_fail(\"%d threads added %ld in total, but the counter says %ld: %ld \"\n"
    "                     \"counts were lost\",\n"
    "                     n, expected, value, expected - value);\n"
    "    counter_close(c);\n"
    "}\n"
    "\n"
    "/* Half the threads add, half read: a reading never goes down. */\n"
    "static void counts_only_go_up_while_read(void **state)\n"
    "{\n"
    "    (void)state;\n"
    "    int n = racelab_threads(4), nadd = n / 2;\n"
    "    struct worker w[MAX_THREADS] = {0};\n"
    "    struct counter *c = counter_open();\n"
    "    assert_non_null(c);\n"
    "    for (int i = 0; i < n; i++)\n"
    "        w[i] = (struct worker){.c = c, .ops = TOTAL_OPS / n};\n"
    "    run_workers(w, n, nadd, add_ones, reader);\n"
    "    long odd = 0;\n"
    "    for (int i = nadd; i < n; i++)\n"
    "        odd += w[i].odd_reads;\n"
    "    if (odd)\n"
    "        racelab_fail(\"%ld readings of the counter went down while others added\", odd);\n"
    "    long expected = (long)nadd * (TOTAL_OPS / n), value = counter_value(c);\n"
    "    if (value != expected)\n"
    "        racelab_fail(\"%d threads added %ld, but the counter says %ld\", nadd, expected, "
    "value);\n"
    "    counter_close(c);\n"
    "}\n"
    "\n"
    "int main(void)\n"
    "{\n"
    "    const struct CMUnitTest tests[] = {\n"
    "        cmocka_unit_test(counter_works_single_threaded),\n"
    "        cmocka_unit_test(counts_are_never_lost),\n"
    "        cmocka_unit_test(counts_only_go_up_while_read),\n"
    "    };\n"
    "    return cmocka_run_group_tests_name(\"@STEM@\", tests, NULL, NULL);\n"
    "}\n";

static const char hidden_test[] =
    "/*\n"
    " * test_@STEM@_hidden.c - hidden tests for @ID@ (instructor only, never\n"
    " * handed out): random amounts drawn from the trial's seed, several\n"
    " * counters at once.\n"
    " */\n" TEST_PROLOGUE "#define NCOUNTERS 3\n"
    "\n"
    "static struct counter *counters[NCOUNTERS];\n"
    "\n"
    "static void *add_random(void *arg)\n"
    "{\n"
    "    struct worker *w = arg;\n"
    "    pthread_barrier_wait(w->start);\n"
    "    for (long i = 0; i < w->ops; i++) {\n"
    "        long n = 1 + rand_r(&w->seed) % 9;\n"
    "        counter_add(counters[i % NCOUNTERS], n);\n"
    "        w->added += n;\n"
    "    }\n"
    "    return NULL;\n"
    "}\n"
    "\n"
    "/* Random amounts over several counters: the sum of all is what was added. */\n"
    "static void counts_of_random_amounts_add_up(void **state)\n"
    "{\n"
    "    (void)state;\n"
    "    int n = racelab_threads(4);\n"
    "    unsigned seed = racelab_seed(1);\n"
    "    struct worker w[MAX_THREADS] = {0};\n"
    "    for (int k = 0; k < NCOUNTERS; k++) {\n"
    "        counters[k] = counter_open();\n"
    "        assert_non_null(counters[k]);\n"
    "    }\n"
    "    for (int i = 0; i < n; i++)\n"
    "        w[i] = (struct worker){.ops = TOTAL_OPS / n, .seed = seed * 977u + (unsigned)i};\n"
    "    run_workers(w, n, n, add_random, NULL);\n"
    "    long added = 0, held = 0;\n"
    "    for (int i = 0; i < n; i++)\n"
    "        added += w[i].added;\n"
    "    for (int k = 0; k < NCOUNTERS; k++) {\n"
    "        held += counter_value(counters[k]);\n"
    "        counter_close(counters[k]);\n"
    "    }\n"
    "    if (held != added)\n"
    "        racelab_fail(\"%d threads added %ld over %d counters, which hold %ld\", n, added,\n"
    "                     NCOUNTERS, held);\n"
    "}\n"
    "\n"
    "/* Many counters opened and closed in a row share nothing. */\n"
    "static void counts_start_at_zero_in_every_counter(void **state)\n"
    "{\n"
    "    (void)state;\n"
    "    for (int i = 0; i < 1000; i++) {\n"
    "        struct counter *c = counter_open();\n"
    "        assert_non_null(c);\n"
    "        assert_int_equal(counter_value(c), 0);\n"
    "        counter_add(c, i + 1);\n"
    "        assert_int_equal(counter_value(c), i + 1);\n"
    "        counter_close(c);\n"
    "    }\n"
    "}\n"
    "\n"
    "int main(void)\n"
    "{\n"
    "    const struct CMUnitTest tests[] = {\n"
    "        cmocka_unit_test(counts_start_at_zero_in_every_counter),\n"
    "        cmocka_unit_test(counts_of_random_amounts_add_up),\n"
    "    };\n"
    "    return cmocka_run_group_tests_name(\"@STEM@_hidden\", tests, NULL, NULL);\n"
    "}\n";

const lab_template_file lab_template_files[] = {
    {"labs/@ID@/README.md", readme},
    {"labs/@ID@/lab.ini", lab_ini},
    {"labs/@ID@/@STEM@.h", header},
    {"labs/@ID@/@STEM@.c", starter},
    {"labs/@ID@/test_@STEM@.c", visible_test},
    {"solutions/@ID@/@STEM@.c", solution},
    {"solutions/@ID@/test_@STEM@_hidden.c", hidden_test},
    {NULL, NULL},
};
