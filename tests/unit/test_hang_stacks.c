/*
 * test_hang_stacks.c - the threads of a hung run (hang_stacks.h,
 * report_hang.h): gdb really attaches to a deadlocked program and the
 * stacks read back name the blocking calls, the mutex waited on and the
 * program's lines; a parent and its forked child are both looked at; the
 * report says which call each thread waits in, called from which student
 * line, that a spinning thread is running, and leaves ThreadSanitizer's
 * own thread and the probe's frames out; hostile gdb text (garbage,
 * unbalanced parentheses, endless threads and frames, huge names) is read
 * without a crash and within the caps.
 */
#include "hang_stacks.h"
#include "report_hang.h"
#include "util.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

static void expect(const char *text, const char *want)
{
    if (!strstr(text, want))
        fail_msg("missing \"%s\" in:\n%s", want, text);
}

static void expect_not(const char *text, const char *unwanted)
{
    if (strstr(text, unwanted))
        fail_msg("unexpected \"%s\" in:\n%s", unwanted, text);
}

/* A program whose first thread waits to join a thread that waits for a
 * mutex the first thread holds, after forking a child that waits to read
 * a pipe nobody writes. */
static const char deadlock_c[] = "#include <pthread.h>\n"
                                 "#include <unistd.h>\n"
                                 "static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;\n"
                                 "static void *taker(void *a) {\n"
                                 "    pthread_mutex_lock(&held_lock);\n"
                                 "    return a;\n"
                                 "}\n"
                                 "int main(void) {\n"
                                 "    int p[2];\n"
                                 "    char c;\n"
                                 "    if (pipe(p) != 0) return 1;\n"
                                 "    if (fork() == 0) { (void)!read(p[0], &c, 1); return 0; }\n"
                                 "    pthread_t t;\n"
                                 "    pthread_mutex_lock(&held_lock);\n"
                                 "    pthread_create(&t, 0, taker, 0);\n"
                                 "    pthread_join(t, 0);\n"
                                 "    return 0;\n"
                                 "}\n";

static const hang_thread *thread_calling(const hang_stacks *h, const char *func)
{
    for (size_t i = 0; i < h->n; i++)
        for (size_t k = 0; k < h->threads[i].stack.n; k++)
            if (h->threads[i].stack.frames[k].func &&
                strstr(h->threads[i].stack.frames[k].func, func))
                return &h->threads[i];
    return NULL;
}

static bool has_symbol(const hang_thread *t, const char *name)
{
    for (size_t k = 0; k < t->stack.n; k++)
        if (t->symbols[k] && strcmp(t->symbols[k], name) == 0)
            return true;
    return false;
}

static void gdb_reads_a_real_deadlock(void **state)
{
    (void)state;
    assert_true(hang_stacks_available()); /* make test-deps installs gdb */
    char tmpl[] = "/tmp/racelab-test-hang-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    char *src = path_join(tmpl, "deadlock.c"), *bin = path_join(tmpl, "deadlock");
    assert_int_equal(file_write(src, deadlock_c, strlen(deadlock_c), NULL), RL_OK);
    char *cmd = xasprintf("clang -g -O0 -pthread %s -o %s", src, bin);
    assert_int_equal(system(cmd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        setpgid(0, 0);
        execl(bin, bin, (char *)NULL);
        _exit(127);
    }
    usleep(300 * 1000); /* both processes blocked by now */
    char *text = hang_stacks_take(pid);
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    assert_non_null(text);
    hang_stacks h;
    hang_stacks_parse(text, &h);
    const hang_thread *taker = thread_calling(&h, "taker");
    const hang_thread *joiner = thread_calling(&h, "join") /* __pthread_clockjoin_ex */;
    const hang_thread *reader = thread_calling(&h, "libc_read");
    if (!taker || !joiner || !reader) {
        fprintf(stderr, "%s", text);
        fail_msg("threads not found (taker %d, joiner %d, reader %d)", !!taker, !!joiner, !!reader);
    }
    assert_true(has_symbol(taker, "held_lock"));
    assert_int_equal(joiner->number, 1);
    assert_int_not_equal(reader->process, joiner->process); /* the child, too */
    bool at_line = false;
    for (size_t k = 0; k < taker->stack.n; k++)
        at_line = at_line || (taker->stack.frames[k].file &&
                              strstr(taker->stack.frames[k].file, "deadlock.c") &&
                              taker->stack.frames[k].line == 5);
    assert_true(at_line);
    hang_stacks_free(&h);
    free(text);
    free(cmd);
    free(src);
    free(bin);
    dir_remove_tree(tmpl, NULL);
}

/* gdb's text for a racelab build: the probe's stand-in between the
 * student's frame and the C library, ThreadSanitizer's background thread,
 * a thread spinning in the student's code, and one in a library. */
static const char tsan_text[] =
    "process 4242\n"
    "[New LWP 4243]\n"
    "Thread 4 (Thread 0x7f (LWP 4246) \"prog\"):\n"
    "#0  futex_wait (private=0, expected=2, futex_word=0x5602 <lock_b>) at "
    "../sysdeps/nptl/futex-internal.h:146\n"
    "#1  0x00007f in ___pthread_mutex_lock (mutex=0x5602 <lock_b>) at "
    "./nptl/pthread_mutex_lock.c:93\n"
    "#2  0x0000560 in pthread_mutex_lock ()\n"
    "#3  0x0000561 in racelab_probe_pthread_mutex_lock (m=0x5602 <lock_b>) at "
    "./.racelab/probe.c:350\n"
    "#4  0x0000562 in transfer (arg=<optimized out>) at prog.c:3\n"
    "#5  0x0000563 in worker (arg=0x0) at prog.c:4\n"
    "#6  0x0000564 in __tsan_thread_start_func ()\n"
    "#7  0x00007f in start_thread (arg=<optimized out>) at ./nptl/pthread_create.c:442\n"
    "\n"
    "Thread 3 (Thread 0x7e (LWP 4245) \"prog\"):\n"
    "#0  0x0000570 in __tsan_read4 ()\n"
    "#1  0x0000571 in spin (flag=0x5603 <ready>) at prog.c:2\n"
    "\n"
    "Thread 2 (Thread 0x7d (LWP 4244) \"prog\"):\n"
    "#0  0x0000580 in __sanitizer::internal_usleep(unsigned long long) ()\n"
    "#1  0x0000581 in __tsan::BackgroundThread(void*) ()\n"
    "\n"
    "Thread 1 (Thread 0x7c (LWP 4242) \"prog\"):\n"
    "#0  __futex_abstimed_wait_common64 (private=128) at ./nptl/futex-internal.c:57\n"
    "#1  0x0000590 in pthread_join ()\n"
    "#2  0x0000591 in racelab_probe_pthread_join (t=1, r=0x0) at ./.racelab/probe.c:700\n"
    "#3  0x0000592 in main () at prog.c:5\n"
    "[Inferior 1 (process 4242) detached]\n";

static const char prog_c[] = "int ready;\n"
                             "void spin(int *flag) { while (!*flag) ; }\n"
                             "void transfer(void) { lock(second); }\n"
                             "void *worker(void *a) { transfer(); return a; }\n"
                             "int main(void) { join(); }\n";

static void report_names_calls_lines_and_variables(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/racelab-test-hang-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    char *src = path_join(tmpl, "prog.c");
    assert_int_equal(file_write(src, prog_c, strlen(prog_c), NULL), RL_OK);
    lab_result lab = {0};
    strlist_push(&lab.lab.student_files, "prog.c");
    strlist_push(&lab.sources, src);
    hang_stacks h;
    hang_stacks_parse(tsan_text, &h);
    assert_int_equal(h.n, 4);
    strbuf sb;
    sb_init(&sb);
    report_hang_threads(&sb, &lab, &h, 2, false);
    expect(sb.data, "main thread: waiting in pthread_join(), called from main() at prog.c:5");
    expect(sb.data, "thread 4: waiting in pthread_mutex_lock(&lock_b), called from transfer() at "
                    "prog.c:3, called from worker() at prog.c:4");
    expect(sb.data, "thread 3: running spin() at prog.c:2");
    expect(sb.data, "> 3 | void transfer(void) { lock(second); }");
    expect_not(sb.data, "thread 2"); /* the sanitizer's own */
    expect_not(sb.data, "racelab_probe");
    expect_not(sb.data, "futex");
    expect_not(sb.data, "process 1"); /* one process: not numbered */
    /* the main thread comes first, as a person reads a program */
    assert_true(strstr(sb.data, "main thread") < strstr(sb.data, "thread 4"));
    sb_free(&sb);
    sb_init(&sb);
    report_hang_threads(&sb, &lab, &h, 2, true); /* verbose: every frame */
    expect(sb.data, "racelab_probe_pthread_mutex_lock");
    expect(sb.data, "__tsan::BackgroundThread");
    sb_free(&sb);
    hang_stacks_free(&h);
    lab_result_free(&lab);
    dir_remove_tree(tmpl, NULL);
}

/* gdb's text read for a lab whose one student file is prog.c (and whose
 * tests are test_visible.c and, hidden, test_secret.c): the words (a new
 * string) and the JSON (*json, a new reference). */
static char *render(const char *text, bool verbose, json_t **json)
{
    lab_result lab = {0};
    strlist_push(&lab.lab.student_files, "prog.c");
    strlist_push(&lab.lab.tests, "test_visible.c");
    strlist_push(&lab.lab.hidden_tests, "test_secret.c");
    hang_stacks h;
    hang_stacks_parse(text, &h);
    strbuf sb;
    sb_init(&sb);
    report_hang_threads(&sb, &lab, &h, 0, verbose);
    *json = report_hang_json(&lab, &h);
    hang_stacks_free(&h);
    lab_result_free(&lab);
    return sb_take(&sb);
}

static void json_reads_the_same(void **state)
{
    (void)state;
    json_t *arr = NULL;
    free(render(tsan_text, false, &arr));
    assert_int_equal(json_array_size(arr), 3); /* the sanitizer's thread left out */
    json_t *main_thread = json_array_get(arr, 0);
    assert_int_equal(json_integer_value(json_object_get(main_thread, "thread")), 1);
    assert_string_equal(json_string_value(json_object_get(main_thread, "call")), "pthread_join");
    json_t *waiter = json_array_get(arr, 2);
    assert_string_equal(json_string_value(json_object_get(waiter, "state")), "waiting");
    assert_string_equal(json_string_value(json_object_get(waiter, "call")), "pthread_mutex_lock");
    assert_string_equal(json_string_value(json_object_get(waiter, "waits_on")), "lock_b");
    assert_string_equal(json_string_value(json_object_get(waiter, "function")), "transfer");
    assert_int_equal(json_integer_value(json_object_get(waiter, "line")), 3);
    json_t *spinner = json_array_get(arr, 1);
    assert_string_equal(json_string_value(json_object_get(spinner, "state")), "running");
    assert_true(json_is_null(json_object_get(spinner, "call")));
    json_decref(arr);
}

/* A hidden test's function is never named, in words or in JSON; a
 * visible test's line is. */
static void hidden_test_frames_stay_hidden(void **state)
{
    (void)state;
    const char *text = "process 7\n"
                       "Thread 1 (Thread 0x1 (LWP 7) \"t\"):\n"
                       "#0  0x1 in secret_checker (x=0x2 <secret_table>) at test_secret.c:12\n"
                       "#1  0x2 in main () at test_secret.c:40\n"
                       "Thread 2 (Thread 0x1 (LWP 8) \"t\"):\n"
                       "#0  0x1 in secret_callback (t=0x3 <secret_table>) at test_secret.c:20\n"
                       "#1  0x2 in student_work () at prog.c:3\n"
                       "Thread 3 (Thread 0x1 (LWP 9) \"t\"):\n"
                       "#0  0x1 in __futex_wait () from /lib/libc.so.6\n"
                       "#1  0x2 in run_all (n=4) at test_visible.c:9\n";
    json_t *arr = NULL;
    char *words = render(text, true, &arr);
    char *json = json_dumps(arr, 0);
    expect(words, "main thread: not in your code (in a hidden test)\n");
    expect(words, "thread 3: not in your code (in the tests' run_all() at test_visible.c:9)\n");
    expect(words, "thread 2: waiting in a hidden test's function(), called from student_work()");
    expect(words, "(in a hidden test)");
    expect_not(words, "secret"); /* nothing of the test, even verbose */
    expect_not(json, "secret");
    free(json);
    free(words);
    json_decref(arr);
}

/* C11 atomics reach the probe as TSan's __tsan_atomicNN_op: the report
 * says atomic_op, as the student wrote it. */
static void atomics_are_named_as_written(void **state)
{
    (void)state;
    const char *text = "Thread 1 (Thread 0x1 (LWP 7) \"t\"):\n"
                       "#0  0x1 in step () at ./.racelab/probe_schedule.c:128\n"
                       "#1  0x2 in racelab_probe___tsan_atomic64_fetch_add (a=0x3 <tested>) at "
                       "./.racelab/probe.c:1050\n"
                       "#2  0x4 in count_one () at prog.c:4\n";
    json_t *arr = NULL;
    char *words = render(text, false, &arr);
    expect(words, "main thread: waiting in atomic_fetch_add(&tested), called from count_one() "
                  "at prog.c:4");
    assert_string_equal(json_string_value(json_object_get(json_array_get(arr, 0), "call")),
                        "atomic_fetch_add");
    json_decref(arr);
    free(words);
}

static void processes_are_numbered(void **state)
{
    (void)state;
    const char *text = "process 100\n"
                       "Thread 1 (Thread 0x1 (LWP 100) \"p\"):\n"
                       "#0  0x1 in wait4 () from /lib/libc.so.6\n"
                       "#1  0x2 in main () at prog.c:5\n"
                       "process 101\n"
                       "Thread 1 (Thread 0x1 (LWP 101) \"p\"):\n"
                       "#0  0x1 in read () from /lib/libc.so.6\n"
                       "#1  0x2 in main () at prog.c:5\n";
    json_t *arr = NULL;
    char *words = render(text, false, &arr);
    expect(words, "process 1 (the first), main thread: waiting in wait4(), called from main() "
                  "at prog.c:5");
    expect(words, "process 2, main thread: waiting in read(), called from main()");
    json_decref(arr);
    free(words);
}

static void hostile_text_is_read_within_caps(void **state)
{
    (void)state;
    hang_stacks h;
    hang_stacks_parse(NULL, &h);
    assert_int_equal(h.n, 0);
    hang_stacks_parse("", &h);
    assert_int_equal(h.n, 0);
    hang_stacks_free(&h);
    /* frames before any thread, numberless frames, lines that are not frames */
    const char *odd = "#0  main () at prog.c:1\n"
                      "Thread x (\n"
                      "Thread 7 (no quotes\n"
                      "#\n#x\n#1\n#2 0x\n#3  0xzz in f ()\n#4  (\n#5   \n"
                      "#6  f (a=\"((((\", b=<unclosed) at :\n"
                      "#7  g (a=<sym at prog.c:notaline\n"
                      "#8  h ((((((((((\n"
                      "#9  0x12 in k (p=0x1 <\n"
                      "#10 0x12 in m (p=0x1 <a_b+8>) at prog.c:99999999999999999999\n";
    hang_stacks_parse(odd, &h);
    assert_int_equal(h.n, 1);
    assert_int_equal(h.threads[0].number, 7);
    assert_null(h.threads[0].name);
    bool found_m = false;
    for (size_t k = 0; k < h.threads[0].stack.n; k++)
        if (strcmp(h.threads[0].stack.frames[k].func, "m") == 0) {
            found_m = true;
            assert_string_equal(h.threads[0].symbols[k], "a_b");
        }
    assert_true(found_m);
    lab_result lab = {0};
    strlist_push(&lab.lab.student_files, "prog.c");
    strbuf sb;
    sb_init(&sb);
    report_hang_threads(&sb, &lab, &h, 0, true);
    sb_free(&sb);
    hang_stacks_free(&h);

    /* endless threads and frames, and names of a megabyte */
    strbuf big;
    sb_init(&big);
    for (int i = 0; i < 1000; i++) {
        sb_printf(&big, "Thread %d (Thread 0x1 (LWP 1) \"%0500d\"):\n", i + 1, 0);
        for (int k = 0; k < (i == 0 ? 5000 : 2); k++)
            sb_printf(&big, "#%d  0x1 in f%d (x=0x1 <v%d>) at prog.c:%d\n", k, k, k, k + 1);
    }
    char *huge = xmalloc(1 << 20);
    memset(huge, 'a', (1 << 20) - 1);
    huge[(1 << 20) - 1] = '\0';
    sb_printf(&big, "#0  %s (y=<%s>) at %s:1\n", huge, huge, huge);
    hang_stacks_parse(big.data, &h);
    assert_int_equal(h.n, HANG_STACKS_THREADS);
    assert_int_equal(h.threads[0].stack.n, HANG_STACKS_FRAMES);
    for (size_t i = 0; i < h.n; i++) {
        assert_true(!h.threads[i].name || strlen(h.threads[i].name) <= 200);
        for (size_t k = 0; k < h.threads[i].stack.n; k++) {
            assert_true(strlen(h.threads[i].stack.frames[k].func) <= 200);
            assert_true(!h.threads[i].symbols[k] || strlen(h.threads[i].symbols[k]) <= 200);
        }
    }
    sb_init(&sb);
    report_hang_threads(&sb, &lab, &h, 0, false);
    assert_true(sb.len < 64 * 1024);
    sb_free(&sb);
    hang_stacks_free(&h);
    free(huge);
    sb_free(&big);
    lab_result_free(&lab);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gdb_reads_a_real_deadlock),
        cmocka_unit_test(report_names_calls_lines_and_variables),
        cmocka_unit_test(json_reads_the_same),
        cmocka_unit_test(hidden_test_frames_stay_hidden),
        cmocka_unit_test(atomics_are_named_as_written),
        cmocka_unit_test(processes_are_numbered),
        cmocka_unit_test(hostile_text_is_read_within_caps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
