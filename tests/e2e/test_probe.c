/*
 * test_probe.c - the probe, end to end, on a small lab made up here: the
 * student's code makes a known number of calls, the test program makes its
 * own, and the JSON report must show exactly the student's; a race in the
 * student's code must still be reported through the probe's stand-ins;
 * mechanism, concurrency and scaling checks must judge and explain.
 */
#include "e2e.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static char *root;

static const char header[] = "#ifndef WORK_H\n#define WORK_H\n"
                             "int work(int threads);\n#endif\n";

/* The student's file: 2 threads, each locking a mutex 10 times (20 locks),
 * one fork with a waitpid, 3 sem_posts, one atomic add. */
static const char student[] =
    "#include \"work.h\"\n#include <pthread.h>\n#include <semaphore.h>\n#include <stdatomic.h>\n"
    "#include <sys/wait.h>\n#include <unistd.h>\n"
    "static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* guards total */\n"
    "static int total;\nstatic atomic_int hits;\n"
    "static void *worker(void *arg) {\n"
    "    for (int i = 0; i < 10; i++) { pthread_mutex_lock(&lock); total++;\n"
    "        pthread_mutex_unlock(&lock); }\n    return arg; }\n"
    "int work(int threads) {\n    pthread_t t[2]; sem_t s; sem_init(&s, 0, 0);\n"
    "    for (int i = 0; i < 2; i++) pthread_create(&t[i], 0, worker, 0);\n"
    "    for (int i = 0; i < 2; i++) pthread_join(t[i], 0);\n"
    "    for (int i = 0; i < 3; i++) sem_post(&s);\n    atomic_fetch_add(&hits, 1);\n"
    "    pid_t pid = fork(); if (pid == 0) _exit(0); waitpid(pid, 0, 0);\n"
    "    sem_destroy(&s); (void)threads; return total; }\n";

/* The same with an unprotected counter and threads joined one by one. */
static const char racy_serial[] =
    "#include \"work.h\"\n#include <pthread.h>\n#include <unistd.h>\n"
    "static int total;\n"
    "static void *worker(void *arg) { for (int i = 0; i < 10; i++) total++; return arg; }\n"
    "int work(int threads) { (void)threads; pthread_t t;\n"
    "    for (int i = 0; i < 2; i++) { pthread_create(&t, 0, worker, 0); pthread_join(t, 0); }\n"
    "    static pthread_t u[2];\n"
    "    for (int i = 0; i < 2; i++) pthread_create(&u[i], 0, worker, 0);\n"
    "    for (int i = 0; i < 2; i++) pthread_join(u[i], 0);\n"
    "    usleep(1); return total; }\n";

/* The test program makes calls of its own, which must not be counted. */
static const char test_program[] =
    "#include <setjmp.h>\n#include <stdarg.h>\n#include <stddef.h>\n#include <cmocka.h>\n"
    "#include <pthread.h>\n#include \"work.h\"\n"
    "static pthread_mutex_t mine = PTHREAD_MUTEX_INITIALIZER;\n"
    "static void *noop(void *a) { pthread_mutex_lock(&mine); pthread_mutex_unlock(&mine);"
    " return a; }\n"
    "static void works(void **s) { (void)s; pthread_t t; pthread_create(&t, 0, noop, 0);\n"
    "    pthread_join(t, 0); assert_true(work(2) >= 0); }\n"
    "int main(void) { const struct CMUnitTest t[] = {cmocka_unit_test(works)};\n"
    "    return cmocka_run_group_tests_name(\"probe\", t, NULL, NULL); }\n";

static const char lab_ini[] =
    "[lab]\ntitle = Probe test\nstudent_files = work.c\ntests = test_work.c\n"
    "trials = 2\ntimeout = 20\nthreads = 2\n"
    "[check tests]\nkind = tests\npoints = 1\n"
    "[check race-free]\nkind = race-free\npoints = 1\n"
    "[check uses]\nkind = mechanism\npoints = 1\nrequire = mutex_lock >= 20, sem_post >= 3\n"
    "forbid = sleep\n"
    "[check parallel]\nkind = concurrency\npoints = 1\nmin_threads = 2\n"
    "[check scaling]\nkind = scaling\npoints = 1\nmax_contention = 0.99\nruns = 1\n";

static int setup(void **state)
{
    (void)state;
    root = e2e_tempdir();
    char lab[600], sol[600];
    snprintf(lab, sizeof lab, "%s/labs/90-probe", root);
    snprintf(sol, sizeof sol, "%s/solutions/90-probe", root);
    e2e_write(lab, "work.h", header);
    e2e_write(lab, "work.c", student);
    e2e_write(lab, "test_work.c", test_program);
    e2e_write(lab, "lab.ini", lab_ini);
    e2e_write(sol, "work.c", student);
    /* the harness's own files, where RACELAB_ROOT says */
    char cmd[2000];
    snprintf(cmd, sizeof cmd,
             "mkdir -p %s/harness && cp -r harness/probe harness/lab_support %s/harness/", root,
             root);
    return system(cmd);
}

static int teardown(void **state)
{
    (void)state;
    e2e_rmtree(root);
    free(root);
    return 0;
}

/* Grades code as 90-probe's work.c, with the noise mode given (NULL: by
 * seed); returns the lab's JSON entry (the caller decrefs *doc). */
static json_t *grade_noise(const char *code, const char *noise, json_t **doc)
{
    char *dir = e2e_tempdir();
    e2e_write(dir, "sub/work.c", code);
    char sub[600], out[600], env0[700];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    snprintf(out, sizeof out, "%s/r.json", dir);
    snprintf(env0, sizeof env0, "RACELAB_ROOT=%s", root);
    const char *env[] = {env0, NULL};
    const char *args[] = {"grade", "--submission", sub, "--lab",   "90-probe", "--format",
                          "json",  "--output",     out, "--noise", noise,      NULL};
    if (!noise)
        args[9] = NULL;
    e2e_run r = e2e_racelab(args, env);
    if (r.status != 0)
        print_error("%s\n", r.output);
    assert_int_equal(r.status, 0);
    *doc = e2e_json_file(out);
    assert_non_null(*doc);
    e2e_run_free(&r);
    e2e_rmtree(dir);
    free(dir);
    return json_array_get(json_object_get(*doc, "labs"), 0);
}

static json_t *grade(const char *code, json_t **doc)
{
    return grade_noise(code, NULL, doc);
}

static json_t *check(json_t *lab, const char *id)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(lab, "checks"), i, c)
    {
        if (strcmp(json_string_value(json_object_get(c, "id")), id) == 0)
            return c;
    }
    fail_msg("no check %s", id);
    return NULL;
}

static long long call_count(json_t *probe, const char *name)
{
    return json_integer_value(json_object_get(json_object_get(probe, "calls"), name));
}

static void counts_exactly_the_students_calls(void **state)
{
    (void)state;
    json_t *doc;
    json_t *lab = grade(student, &doc);
    json_t *trial = json_array_get(json_object_get(lab, "trials"), 0);
    json_t *probe = json_object_get(json_array_get(json_object_get(trial, "programs"), 0), "probe");
    assert_non_null(probe);
    assert_int_equal(call_count(probe, "mutex_lock"), 20); /* not the test's own lock */
    assert_int_equal(call_count(probe, "mutex_unlock"), 20);
    assert_int_equal(call_count(probe, "thread_create"), 2); /* not the test's thread */
    assert_int_equal(call_count(probe, "thread_join"), 2);
    assert_int_equal(call_count(probe, "sem_post"), 3);
    assert_int_equal(call_count(probe, "sem_init"), 1);
    assert_int_equal(call_count(probe, "fork"), 1);
    assert_int_equal(call_count(probe, "waitpid"), 1);
    assert_true(call_count(probe, "atomic") >= 1);
    assert_int_equal(call_count(probe, "sleep"), 0);
    assert_int_equal(json_integer_value(json_object_get(probe, "threads_max")), 2);
    assert_int_equal(json_integer_value(json_object_get(probe, "processes_max")), 1);
    /* per thread: each of the two student threads locked 10 times; the
     * test's main thread made the other calls */
    size_t i;
    json_t *row;
    int workers = 0, others = 0;
    json_array_foreach(json_object_get(probe, "threads"), i, row)
    {
        if (json_is_true(json_object_get(row, "student"))) {
            assert_int_equal(call_count(row, "mutex_lock"), 10);
            assert_int_equal(call_count(row, "thread_create"), 0);
            workers++;
        } else {
            assert_int_equal(call_count(row, "mutex_lock"), 0);
            others += (int)call_count(row, "thread_create");
        }
    }
    assert_int_equal(workers, 2);
    assert_int_equal(others, 2);
    for (const char *id = "tests"; id; id = NULL)
        assert_true(json_is_true(json_object_get(check(lab, id), "passed")));
    assert_true(json_is_true(json_object_get(check(lab, "race-free"), "passed")));
    assert_true(json_is_true(json_object_get(check(lab, "uses"), "passed")));
    assert_true(json_is_true(json_object_get(check(lab, "parallel"), "passed")));
    assert_true(json_is_true(json_object_get(check(lab, "scaling"), "passed")));
    assert_true(json_is_true(json_object_get(json_object_get(lab, "scaling"), "measured")));
    json_decref(doc);
}

static void races_still_show_and_cheats_are_named(void **state)
{
    (void)state;
    json_t *doc;
    json_t *lab = grade(racy_serial, &doc);
    /* the probe must not hide the race: its counters are invisible to TSan */
    assert_false(json_is_true(json_object_get(check(lab, "race-free"), "passed")));
    json_t *uses = check(lab, "uses");
    assert_false(json_is_true(json_object_get(uses, "passed")));
    const char *why = json_string_value(json_object_get(uses, "details"));
    assert_non_null(strstr(why, "called pthread_mutex_lock 0 times; this lab wants at least 20"));
    assert_non_null(strstr(why, "called sleep, usleep, nanosleep, clock_nanosleep, thrd_sleep, or "
                                "poll or select with nothing to wait for 1 time; this lab does "
                                "not allow it"));
    json_t *parallel = check(lab, "parallel");
    /* two threads overlap in the second loop: min_threads 2 holds */
    assert_true(json_is_true(json_object_get(parallel, "passed")));
    json_decref(doc);
}

static const char serial_only[] =
    "#include \"work.h\"\n#include <pthread.h>\n"
    "static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* guards total */\n"
    "static int total;\n#include <semaphore.h>\n"
    "static void *worker(void *arg) { for (int i = 0; i < 10; i++) {\n"
    "    pthread_mutex_lock(&lock); total++; pthread_mutex_unlock(&lock); } return arg; }\n"
    "int work(int threads) { (void)threads; pthread_t t; sem_t s; sem_init(&s, 0, 0);\n"
    "    for (int i = 0; i < 2; i++) { pthread_create(&t, 0, worker, 0); pthread_join(t, 0); }\n"
    "    for (int i = 0; i < 3; i++) sem_post(&s);\n"
    "    return total; }\n";

static void join_after_create_fails_concurrency(void **state)
{
    (void)state;
    json_t *doc;
    json_t *lab = grade(serial_only, &doc);
    json_t *parallel = check(lab, "parallel");
    assert_false(json_is_true(json_object_get(parallel, "passed")));
    assert_non_null(strstr(json_string_value(json_object_get(parallel, "details")),
                           "at most 1 of your threads were alive at once"));
    assert_true(json_is_true(json_object_get(check(lab, "uses"), "passed")));
    json_decref(doc);
}

/* Each thread writes `total`, then takes its own mutex: nothing orders the
 * two writes. A probe whose ordered counter updates TSan could see (say an
 * acq_rel add on one shared counter, after the first write and before the
 * second) would order them and hide the race: checked by making exactly
 * that change, which fails this test. */
static const char hidden_by_counters[] =
    "#include \"work.h\"\n#include <pthread.h>\n#include <semaphore.h>\n"
    "static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;\n"
    "static int total;\n"
    "static void *first(void *arg) { total++; for (int i = 0; i < 20; i++) {\n"
    "    pthread_mutex_lock(&a); pthread_mutex_unlock(&a); } return arg; }\n"
    "static void *second(void *arg) { for (int i = 0; i < 20; i++) {\n"
    "    pthread_mutex_lock(&b); pthread_mutex_unlock(&b); } total++; return arg; }\n"
    "int work(int threads) { (void)threads; pthread_t t[2]; sem_t s; sem_init(&s, 0, 0);\n"
    "    pthread_create(&t[0], 0, first, 0); pthread_create(&t[1], 0, second, 0);\n"
    "    pthread_join(t[0], 0); pthread_join(t[1], 0);\n"
    "    for (int i = 0; i < 3; i++) sem_post(&s);\n    return total; }\n";

static void probe_counters_do_not_order_threads(void **state)
{
    (void)state;
    for (int round = 0; round < 3; round++) {
        json_t *doc;
        json_t *lab = grade(hidden_by_counters, &doc);
        json_t *race = check(lab, "race-free");
        assert_false(json_is_true(json_object_get(race, "passed")));
        assert_int_equal(json_integer_value(json_object_get(race, "failed_runs")),
                         json_integer_value(json_object_get(race, "runs")));
        json_decref(doc);
    }
}

/* Waiting the wrong ways: a spin lock made of an atomic_flag (threads hold
 * it ~0.2 ms, so the other spins on it thousands of times), a pthread spin
 * lock, and sleeps through poll and select with nothing to wait for. */
static const char spins_and_sleeps[] =
    "#include \"work.h\"\n#include <poll.h>\n#include <pthread.h>\n#include <stdatomic.h>\n"
    "#include <sys/select.h>\n"
    "static atomic_flag busy = ATOMIC_FLAG_INIT; /* guards total */\n"
    "static pthread_spinlock_t spin;             /* guards other */\n"
    "static int total, other;\n"
    "static void hold(void) { for (volatile int i = 0; i < 20000; i++) ; }\n"
    "static void *worker(void *arg) { for (int i = 0; i < 50; i++) {\n"
    "    while (atomic_flag_test_and_set(&busy)) ;\n"
    "    total++; hold(); atomic_flag_clear(&busy);\n"
    "    pthread_spin_lock(&spin); other++; pthread_spin_unlock(&spin); } return arg; }\n"
    "int work(int threads) { (void)threads; pthread_t t[2]; pthread_spin_init(&spin, 0);\n"
    "    for (int i = 0; i < 2; i++) pthread_create(&t[i], 0, worker, 0);\n"
    "    for (int i = 0; i < 2; i++) pthread_join(t[i], 0);\n"
    "    poll(NULL, 0, 1);\n"
    "    struct timeval tv = {0, 1000}; select(0, NULL, NULL, NULL, &tv);\n"
    "    return total + other; }\n";

static void spins_and_sleeps_are_counted(void **state)
{
    (void)state;
    json_t *doc;
    json_t *lab = grade_noise(spins_and_sleeps, "none", &doc); /* noise would break spins up */
    long long busy = 0;
    size_t i;
    json_t *trial;
    json_array_foreach(json_object_get(lab, "trials"), i, trial)
    {
        json_t *probe =
            json_object_get(json_array_get(json_object_get(trial, "programs"), 0), "probe");
        assert_int_equal(call_count(probe, "spin_lock"), 100);
        assert_int_equal(call_count(probe, "sleep"), 2);
        busy += call_count(probe, "busy_wait");
    }
    assert_true(busy >= 1);
    json_t *uses = check(lab, "uses");
    assert_false(json_is_true(json_object_get(uses, "passed")));
    assert_non_null(strstr(json_string_value(json_object_get(uses, "details")),
                           "poll or select with nothing to wait for 2 times"));
    json_decref(doc);
}

/* The PCT scheduler hands the turn between threads with synchronisation
 * TSan must not see: a race stays visible in every run, and correct code
 * still passes every check. */
static void pct_keeps_races_visible_and_code_correct(void **state)
{
    (void)state;
    json_t *doc;
    json_t *lab = grade_noise(hidden_by_counters, "pct", &doc);
    json_t *race = check(lab, "race-free");
    assert_false(json_is_true(json_object_get(race, "passed")));
    assert_int_equal(json_integer_value(json_object_get(race, "failed_runs")),
                     json_integer_value(json_object_get(race, "runs")));
    json_decref(doc);
    lab = grade_noise(student, "pct", &doc);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(lab, "trials"), 0), "noise")),
                        "pct");
    for (const char *const *id =
             (const char *const[]){"tests", "race-free", "uses", "parallel", NULL};
         *id; id++)
        assert_true(json_is_true(json_object_get(check(lab, *id), "passed")));
    json_decref(doc);
}

/* Locks taken in opposite orders by two threads that never overlap: no
 * deadlock happens, but TSan reports the inversion, as long as the probe
 * takes every lock the blocking way (TSan leaves try-locks out of its
 * lock-order graph). */
static const char lock_order[] =
    "#include \"work.h\"\n#include <pthread.h>\n#include <semaphore.h>\n"
    "static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;\n"
    "static int total; /* guarded by a and b */\n"
    "static void *ab(void *arg) { for (int i = 0; i < 10; i++) { pthread_mutex_lock(&a);\n"
    "    pthread_mutex_lock(&b); total++; pthread_mutex_unlock(&b); pthread_mutex_unlock(&a); }\n"
    "    return arg; }\n"
    "static void *ba(void *arg) { pthread_mutex_lock(&b); pthread_mutex_lock(&a); total++;\n"
    "    pthread_mutex_unlock(&a); pthread_mutex_unlock(&b); return arg; }\n"
    "int work(int threads) { (void)threads; pthread_t t; sem_t s; sem_init(&s, 0, 0);\n"
    "    pthread_create(&t, 0, ab, 0); pthread_join(t, 0);\n"
    "    pthread_create(&t, 0, ba, 0); pthread_join(t, 0);\n"
    "    for (int i = 0; i < 3; i++) sem_post(&s);\n    return total; }\n";

static void lock_order_inversion_is_seen_through_the_probe(void **state)
{
    (void)state;
    json_t *doc;
    json_t *lab = grade(lock_order, &doc);
    json_t *race = check(lab, "race-free");
    assert_false(json_is_true(json_object_get(race, "passed")));
    assert_int_equal(json_integer_value(json_object_get(race, "failed_runs")),
                     json_integer_value(json_object_get(race, "runs")));
    bool inversion = false;
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(lab, "findings"), i, f)
    {
        inversion = inversion || strcmp(json_string_value(json_object_get(f, "kind")),
                                        "lock-order inversion") == 0;
    }
    assert_true(inversion);
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts_exactly_the_students_calls),
        cmocka_unit_test(races_still_show_and_cheats_are_named),
        cmocka_unit_test(join_after_create_fails_concurrency),
        cmocka_unit_test(probe_counters_do_not_order_threads),
        cmocka_unit_test(spins_and_sleeps_are_counted),
        cmocka_unit_test(pct_keeps_races_visible_and_code_correct),
        cmocka_unit_test(lock_order_inversion_is_seen_through_the_probe),
    };
    return cmocka_run_group_tests_name("e2e_probe", tests, setup, teardown);
}
