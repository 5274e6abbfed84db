/*
 * probe.c - the probe linked into every lab binary (see probe.h).
 *
 * Every racelab_probe_X below stands in for X in the student's object files
 * (renamed at build time), counts the call, may add schedule noise, and
 * calls the real X: under ThreadSanitizer that is TSan's interceptor, so
 * the sanitizer sees every synchronisation as it would without the probe.
 * This file is compiled like the student's code (with -fsanitize=thread in
 * the TSan build), so that its stand-ins appear in TSan's stacks between the
 * student's line and the primitive. Its counters are relaxed atomics, which
 * TSan does not treat as synchronisation: they must stay relaxed, or their
 * updates would order the student's threads and hide races (the test
 * probe_counters_do_not_order_threads in tests/e2e/test_probe.c checks it).
 *
 * Environment, read once at start-up:
 *   RACELAB_PROBE_FILE  where the counters go (a file mapped MAP_SHARED);
 *                       unset: private counters, nothing is reported
 *   RACELAB_NOISE       none | yield | sleep | pin | pct | hold (default
 *                       none); pct is the scheduler of probe_schedule.h;
 *                       hold keeps every lock ~10 us right after taking it
 *                       (see hold_briefly): how often the other threads
 *                       then find it taken measures how coarse the locking
 *                       is, whatever the number of CPUs
 *   RACELAB_SEED        the schedule-noise generator's seed
 *
 * Built with -DPROBE_NO_TSAN for the uninstrumented (-O2) build, which has
 * no ThreadSanitizer atomic entry points to stand in for.
 */
#define _GNU_SOURCE
#include "probe.h"
#include "probe_schedule.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>

typedef enum { NOISE_NONE, NOISE_YIELD, NOISE_SLEEP, NOISE_PIN, NOISE_HOLD, NOISE_PCT } noise_mode;

static probe_shared private_counters;
static probe_shared *shared = &private_counters;
static noise_mode noise;
static uint64_t seed;
static uint64_t thread_counter; /* hands out per-thread generator streams */
static bool in_forked_child;    /* this process was forked by the student's code */
static pid_t main_pid;          /* the program's own process */

static void main_exiting(void);
static pthread_key_t alive_key;     /* its destructor marks a student thread's end */
static __thread uint64_t rng_state; /* this thread's noise generator, 0 until seeded */

/* ---- counters ---- */

static uint32_t process_number;          /* 0 in the program's process, n in its n-th child */
static __thread probe_thread *my_counts; /* this thread's row, NULL until its first call */
static __thread bool my_counts_full;     /* no row was left for this thread */

/* Gives the calling thread its row of per-thread counts. */
static probe_thread *claim_row(bool student)
{
    uint32_t i = __atomic_fetch_add(&shared->nthreads, 1, __ATOMIC_RELAXED);
    if (i >= PROBE_MAX_THREADS) {
        my_counts_full = true;
        return NULL;
    }
    probe_thread *row = &shared->thread[i];
    __atomic_store_n(&row->process, process_number, __ATOMIC_RELAXED);
    __atomic_store_n(&row->student, student ? 1u : 0u, __ATOMIC_RELAXED);
    return row;
}

static void count(probe_primitive p)
{
    __atomic_fetch_add(&shared->calls[p], 1, __ATOMIC_RELAXED);
    if (!my_counts && !my_counts_full)
        my_counts = claim_row(false);
    if (my_counts)
        __atomic_fetch_add(&my_counts->calls[p], 1, __ATOMIC_RELAXED);
}

static void raise_max(int64_t *max, int64_t now)
{
    int64_t seen = __atomic_load_n(max, __ATOMIC_RELAXED);
    while (now > seen &&
           !__atomic_compare_exchange_n(max, &seen, now, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        ;
}

/* The workers this process started since it last waited for one. The
 * longest such burst tells whether the workers could run at once, whatever
 * their speed: fork all and then read gives N; fork, read, fork, read gives
 * 1, as does joining each thread right after creating it. Per process: a
 * child's own children do not count for its parent. */
static int64_t thread_burst, proc_burst;

static void started(int64_t *burst, int64_t *max)
{
    raise_max(max, __atomic_add_fetch(burst, 1, __ATOMIC_RELAXED));
}

static void waited_for_threads(void)
{
    __atomic_store_n(&thread_burst, 0, __ATOMIC_RELAXED);
}

static void waited_for_children(void)
{
    __atomic_store_n(&proc_burst, 0, __ATOMIC_RELAXED);
}

static void thread_ended(void *unused)
{
    (void)unused;
    __atomic_fetch_sub(&shared->threads_alive, 1, __ATOMIC_RELAXED);
}

/* ---- schedule noise ---- */

/* splitmix64: a small, well-mixed generator; one stream per thread. */
static uint64_t next_random(void)
{
    if (rng_state == 0)
        rng_state =
            seed * 0x9E3779B97F4A7C15ull +
            __atomic_add_fetch(&thread_counter, 1, __ATOMIC_RELAXED) * 0xBF58476D1CE4E5B9ull + 1;
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Whether this thread's noise falls due now. The first NOISE_FULL_RATE
 * synchronisation calls of a thread all may get noise; after them the
 * chance falls as 1/(calls/NOISE_FULL_RATE), so that a loop of millions of
 * lock calls gets thousands of delays (spread over its whole length), not
 * hundreds of thousands: such a loop otherwise ran for minutes under sleep
 * or yield noise and ended at the deadline, a hang that was not there. */
#define NOISE_FULL_RATE 4096
static __thread uint64_t noise_calls;

static bool noise_due(uint64_t r)
{
    uint64_t period = ++noise_calls / NOISE_FULL_RATE;
    return period <= 1 || (r >> 32) % period == 0;
}

/* At a synchronisation point: maybe let another thread run first. */
static void maybe_noise(void)
{
    if (noise == NOISE_PCT) {
        if (schedule_step())
            __atomic_fetch_add(&shared->noise_events, 1, __ATOMIC_RELAXED);
        return;
    }
    if (noise == NOISE_NONE || noise == NOISE_HOLD)
        return;
    uint64_t r = next_random();
    if (!noise_due(r))
        return;
    if (noise == NOISE_SLEEP && r % 8 == 0) {
        struct timespec ts = {0, (long)(1000 + (r >> 8) % 50000)}; /* 1-51 us */
        nanosleep(&ts, NULL);
        __atomic_fetch_add(&shared->noise_events, 1, __ATOMIC_RELAXED);
    } else if (noise != NOISE_SLEEP && r % 4 == 0) {
        sched_yield();
        __atomic_fetch_add(&shared->noise_events, 1, __ATOMIC_RELAXED);
    }
}

/* Around a call that may block: under the PCT scheduler the thread gives
 * up its turn while it blocks (see probe_schedule.h). */
#define BLOCKING(call)                                                                             \
    ({                                                                                             \
        schedule_block_begin();                                                                    \
        __typeof__(call) blocking_rc_ = (call);                                                    \
        int blocking_errno_ = errno;                                                               \
        schedule_block_end();                                                                      \
        errno = blocking_errno_;                                                                   \
        blocking_rc_;                                                                              \
    })

/* The student's code yields: under PCT it goes behind every waiting thread. */
static void yielding(void)
{
    if (noise != NOISE_PCT)
        maybe_noise();
    else if (schedule_yield())
        __atomic_fetch_add(&shared->noise_events, 1, __ATOMIC_RELAXED);
}

/* Hold mode, right after a lock was taken: keep it ~10 us, letting the
 * other threads run meanwhile (a yield, for one CPU; the wait, for the
 * others), so that they run into it if they need the same lock. How often
 * they find it taken then measures how coarse the locking is, on one CPU
 * or many, busy or idle (a yield alone found nothing on idle CPUs). */
#define HOLD_NS 10000
static void hold_briefly(void)
{
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    sched_yield();
    do
        clock_gettime(CLOCK_MONOTONIC, &now);
    while ((now.tv_sec - start.tv_sec) * 1000000000L + (now.tv_nsec - start.tv_nsec) < HOLD_NS);
}

/* ---- start-up ---- */

static void map_counters(void)
{
    const char *path = getenv("RACELAB_PROBE_FILE");
    if (!path || !*path)
        return;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    if (ftruncate(fd, sizeof(probe_shared)) == 0) {
        void *m = mmap(NULL, sizeof(probe_shared), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (m != MAP_FAILED)
            shared = m;
    }
    close(fd);
}

static void pin_to_one_cpu(void)
{
    cpu_set_t allowed, one;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0 || CPU_COUNT(&allowed) == 0)
        return;
    int pick = (int)(seed % (uint64_t)CPU_COUNT(&allowed));
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (!CPU_ISSET(cpu, &allowed) || pick-- > 0)
            continue;
        CPU_ZERO(&one);
        CPU_SET(cpu, &one);
        sched_setaffinity(0, sizeof one, &one);
        return;
    }
}

__attribute__((constructor)) static void probe_start(void)
{
    map_counters();
    shared->magic = PROBE_MAGIC;
    shared->version = PROBE_VERSION;
    const char *mode = getenv("RACELAB_NOISE");
    const char *s = getenv("RACELAB_SEED");
    seed = s ? strtoull(s, NULL, 10) : 1;
    if (mode && strcmp(mode, "yield") == 0)
        noise = NOISE_YIELD;
    else if (mode && strcmp(mode, "sleep") == 0)
        noise = NOISE_SLEEP;
    else if (mode && strcmp(mode, "pin") == 0)
        noise = NOISE_PIN;
    else if (mode && strcmp(mode, "hold") == 0)
        noise = NOISE_HOLD;
    else if (mode && strcmp(mode, "pct") == 0)
        noise = NOISE_PCT;
    if (noise == NOISE_PIN)
        pin_to_one_cpu();
    if (noise == NOISE_PCT)
        schedule_start(seed);
    pthread_key_create(&alive_key, thread_ended);
    main_pid = getpid();
    atexit(main_exiting);
}

/* ---- contention ---- */

/* Threads blocked on each lock, by a hash of its address (a collision can
 * only add). A lock call is contended when it finds the lock taken, or
 * takes it while others wait for it: a thread that keeps retaking a lock
 * whose waiters sleep (one lock, many threads, idle CPUs) finds it free
 * every time, and would otherwise look uncontended. */
#define WAITER_SLOTS 4096
static int waiting_for[WAITER_SLOTS];

static int *waiters_of(const void *lock)
{
    uint64_t h = (uint64_t)(uintptr_t)lock;
    h = (h ^ (h >> 17)) * 0x9E3779B97F4A7C15ull;
    return &waiting_for[(h >> 52) & (WAITER_SLOTS - 1)];
}

static void contended(void)
{
    __atomic_fetch_add(&shared->contended, 1, __ATOMIC_RELAXED);
}

/* A blocking lock call: busy says whether the lock looked taken just
 * before; block takes it the blocking way. The lock is never taken with a
 * trylock first: ThreadSanitizer leaves try-locks out of its lock-order
 * graph (a trylock cannot deadlock), so a lock-order inversion would go
 * unreported whenever the locks were free. */
#define TAKE_LOCK(lock, busy, block)                                                               \
    ({                                                                                             \
        int take_rc_;                                                                              \
        int *take_waiters_ = waiters_of((const void *)(uintptr_t)(lock));                          \
        if (busy) {                                                                                \
            contended();                                                                           \
            __atomic_add_fetch(take_waiters_, 1, __ATOMIC_RELAXED);                                \
            take_rc_ = BLOCKING(block);                                                            \
            __atomic_sub_fetch(take_waiters_, 1, __ATOMIC_RELAXED);                                \
        } else {                                                                                   \
            if (__atomic_load_n(take_waiters_, __ATOMIC_RELAXED) > 0)                              \
                contended();                                                                       \
            take_rc_ = (block);                                                                    \
        }                                                                                          \
        if (take_rc_ == 0 && noise == NOISE_HOLD)                                                  \
            hold_briefly();                                                                        \
        take_rc_;                                                                                  \
    })

/* Whether a mutex or spin lock is held now, from its lock word (glibc's
 * layout), read with a relaxed atomic load that orders nothing. */
static bool mutex_taken(pthread_mutex_t *m)
{
    return __atomic_load_n(&m->__data.__lock, __ATOMIC_RELAXED) != 0;
}

static bool spin_taken(pthread_spinlock_t *l)
{
    return __atomic_load_n(l, __ATOMIC_RELAXED) != 0;
}

/* A read-write lock is taken for writing (glibc's PTHREAD_RWLOCK_WRLOCKED
 * bit of __readers), or, for a writer, by readers (their count sits above
 * bit 3). */
static bool rwlock_taken(pthread_rwlock_t *l, bool for_write)
{
    unsigned r = __atomic_load_n(&l->__data.__readers, __ATOMIC_RELAXED);
    return (r & 2u) != 0 || (for_write && (r >> 3) != 0);
}

/* ---- mutexes ---- */

int racelab_probe_pthread_mutex_lock(pthread_mutex_t *m)
{
    count(PROBE_MUTEX_LOCK);
    maybe_noise();
    return TAKE_LOCK(m, mutex_taken(m), pthread_mutex_lock(m));
}

int racelab_probe_pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *t)
{
    count(PROBE_MUTEX_LOCK);
    maybe_noise();
    return BLOCKING(pthread_mutex_timedlock(m, t));
}

int racelab_probe_pthread_mutex_trylock(pthread_mutex_t *m)
{
    count(PROBE_MUTEX_TRYLOCK);
    maybe_noise();
    return pthread_mutex_trylock(m);
}

int racelab_probe_pthread_mutex_unlock(pthread_mutex_t *m)
{
    count(PROBE_MUTEX_UNLOCK);
    int rc = pthread_mutex_unlock(m);
    maybe_noise();
    return rc;
}

/* The MAP_SHARED mappings the student's code made (the first few; a
 * child inherits its parent's). A process-shared object counts as
 * `pshared` only when it lives in one of them: one made process-shared
 * but kept in a global or on the heap is copied by fork and guards
 * nothing between processes. */
#define MAX_SHARED_MAPPINGS 64
static struct {
    uintptr_t start, end;
} shared_mappings[MAX_SHARED_MAPPINGS];
static int nshared_mappings;

static void remember_shared_mapping(void *addr, size_t len)
{
    int i = __atomic_fetch_add(&nshared_mappings, 1, __ATOMIC_RELAXED);
    if (i >= MAX_SHARED_MAPPINGS)
        return;
    __atomic_store_n(&shared_mappings[i].start, (uintptr_t)addr, __ATOMIC_RELAXED);
    __atomic_store_n(&shared_mappings[i].end, (uintptr_t)addr + len, __ATOMIC_RELAXED);
}

static bool in_shared_mapping(const void *object, size_t size)
{
    uintptr_t at = (uintptr_t)object;
    int n = __atomic_load_n(&nshared_mappings, __ATOMIC_RELAXED);
    for (int i = 0; i < n && i < MAX_SHARED_MAPPINGS; i++)
        if (at >= __atomic_load_n(&shared_mappings[i].start, __ATOMIC_RELAXED) &&
            at + size <= __atomic_load_n(&shared_mappings[i].end, __ATOMIC_RELAXED))
            return true;
    return false;
}

int racelab_probe_pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a)
{
    count(PROBE_MUTEX_INIT);
    int shared_flag = PTHREAD_PROCESS_PRIVATE;
    if (a && pthread_mutexattr_getpshared(a, &shared_flag) == 0 &&
        shared_flag == PTHREAD_PROCESS_SHARED && in_shared_mapping(m, sizeof *m))
        count(PROBE_PSHARED);
    return pthread_mutex_init(m, a);
}

/* ---- condition variables ---- */

int racelab_probe_pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
    count(PROBE_COND_WAIT);
    waited_for_threads();
    maybe_noise();
    return BLOCKING(pthread_cond_wait(c, m));
}

int racelab_probe_pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
                                         const struct timespec *t)
{
    count(PROBE_COND_WAIT);
    waited_for_threads();
    maybe_noise();
    return BLOCKING(pthread_cond_timedwait(c, m, t));
}

int racelab_probe_pthread_cond_signal(pthread_cond_t *c)
{
    count(PROBE_COND_SIGNAL);
    maybe_noise();
    return pthread_cond_signal(c);
}

int racelab_probe_pthread_cond_broadcast(pthread_cond_t *c)
{
    count(PROBE_COND_BROADCAST);
    maybe_noise();
    return pthread_cond_broadcast(c);
}

int racelab_probe_pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a)
{
    int shared_flag = PTHREAD_PROCESS_PRIVATE;
    if (a && pthread_condattr_getpshared(a, &shared_flag) == 0 &&
        shared_flag == PTHREAD_PROCESS_SHARED && in_shared_mapping(c, sizeof *c))
        count(PROBE_PSHARED);
    return pthread_cond_init(c, a);
}

/* ---- read-write locks ---- */

/* A blocking acquisition of a read-write lock, contended as a mutex's. */
#define RWLOCK_BLOCKING(name, for_write, prim)                                                     \
    int racelab_probe_pthread_rwlock_##name(pthread_rwlock_t *l)                                   \
    {                                                                                              \
        count(prim);                                                                               \
        maybe_noise();                                                                             \
        return TAKE_LOCK(l, rwlock_taken(l, for_write), pthread_rwlock_##name(l));                 \
    }
RWLOCK_BLOCKING(rdlock, false, PROBE_RWLOCK_RDLOCK)
RWLOCK_BLOCKING(wrlock, true, PROBE_RWLOCK_WRLOCK)

#define RWLOCK_TRY(name, prim)                                                                     \
    int racelab_probe_pthread_rwlock_##name(pthread_rwlock_t *l)                                   \
    {                                                                                              \
        count(prim);                                                                               \
        maybe_noise();                                                                             \
        return pthread_rwlock_##name(l);                                                           \
    }
RWLOCK_TRY(tryrdlock, PROBE_RWLOCK_RDLOCK)
RWLOCK_TRY(trywrlock, PROBE_RWLOCK_WRLOCK)

int racelab_probe_pthread_rwlock_timedrdlock(pthread_rwlock_t *l, const struct timespec *t)
{
    count(PROBE_RWLOCK_RDLOCK);
    maybe_noise();
    return BLOCKING(pthread_rwlock_timedrdlock(l, t));
}

int racelab_probe_pthread_rwlock_timedwrlock(pthread_rwlock_t *l, const struct timespec *t)
{
    count(PROBE_RWLOCK_WRLOCK);
    maybe_noise();
    return BLOCKING(pthread_rwlock_timedwrlock(l, t));
}

int racelab_probe_pthread_rwlock_unlock(pthread_rwlock_t *l)
{
    count(PROBE_RWLOCK_UNLOCK);
    int rc = pthread_rwlock_unlock(l);
    maybe_noise();
    return rc;
}

/* ---- semaphores ---- */

int racelab_probe_sem_wait(sem_t *s)
{
    count(PROBE_SEM_WAIT);
    waited_for_threads();
    maybe_noise();
    if (sem_trywait(s) == 0)
        return 0;
    return BLOCKING(sem_wait(s));
}

int racelab_probe_sem_trywait(sem_t *s)
{
    count(PROBE_SEM_TRYWAIT);
    maybe_noise();
    return sem_trywait(s);
}

int racelab_probe_sem_timedwait(sem_t *s, const struct timespec *t)
{
    count(PROBE_SEM_WAIT);
    waited_for_threads();
    maybe_noise();
    return BLOCKING(sem_timedwait(s, t));
}

int racelab_probe_sem_post(sem_t *s)
{
    count(PROBE_SEM_POST);
    int rc = sem_post(s);
    maybe_noise();
    return rc;
}

int racelab_probe_sem_init(sem_t *s, int pshared, unsigned value)
{
    count(PROBE_SEM_INIT);
    if (pshared && in_shared_mapping(s, sizeof *s))
        count(PROBE_PSHARED);
    return sem_init(s, pshared, value);
}

int racelab_probe_pthread_once(pthread_once_t *once, void (*init)(void))
{
    count(PROBE_ONCE);
    maybe_noise();
    return BLOCKING(pthread_once(once, init));
}

/* ---- threads ---- */

typedef struct {
    void *(*start)(void *);
    void *arg;
    int place; /* the thread's place in the PCT scheduler, -1: none */
} trampoline_arg;

/* Runs a student thread's function, counting it alive until it ends (the
 * key's destructor also runs after pthread_exit). */
static void *trampoline(void *p)
{
    trampoline_arg t = *(trampoline_arg *)p;
    free(p);
    int64_t now = __atomic_add_fetch(&shared->threads_alive, 1, __ATOMIC_RELAXED);
    raise_max(&shared->threads_alive_max, now);
    pthread_setspecific(alive_key, (void *)1);
    my_counts = claim_row(true);
    schedule_claim(t.place);
    maybe_noise();
    return t.start(t.arg);
}

int racelab_probe_pthread_create(pthread_t *thread, const pthread_attr_t *attr,
                                 void *(*start)(void *), void *arg)
{
    count(PROBE_THREAD_CREATE);
    trampoline_arg *t = malloc(sizeof *t);
    if (!t)
        return EAGAIN;
    t->start = start;
    t->arg = arg;
    t->place = schedule_reserve();
    int place = t->place;
    int rc = pthread_create(thread, attr, trampoline, t);
    schedule_created();
    if (rc != 0) {
        schedule_cancel(place);
        free(t);
    } else
        started(&thread_burst, &shared->threads_burst_max);
    maybe_noise();
    return rc;
}

int racelab_probe_pthread_join(pthread_t thread, void **result)
{
    count(PROBE_THREAD_JOIN);
    waited_for_threads();
    return BLOCKING(pthread_join(thread, result));
}

int racelab_probe_pthread_detach(pthread_t thread)
{
    count(PROBE_THREAD_DETACH);
    return pthread_detach(thread);
}

/* ---- processes ---- */

pid_t racelab_probe_fork(void)
{
    count(PROBE_FORK);
    pid_t pid = fork();
    if (pid == 0) {
        schedule_after_fork();
        process_number = __atomic_add_fetch(&shared->nprocs, 1, __ATOMIC_RELAXED);
        my_counts = NULL;
        my_counts_full = false;
        in_forked_child = true;
        int64_t now = __atomic_add_fetch(&shared->procs_running, 1, __ATOMIC_RELAXED);
        raise_max(&shared->procs_running_max, now);
        maybe_noise();
        proc_burst = thread_burst = 0; /* a fresh process */
    } else if (pid > 0) {
        started(&proc_burst, &shared->procs_burst_max);
    }
    return pid;
}

static uint64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void child_exiting(void)
{
    if (in_forked_child) {
        in_forked_child = false;
        __atomic_fetch_sub(&shared->procs_running, 1, __ATOMIC_RELAXED);
        __atomic_fetch_add(&shared->child_cpu_ns, cpu_ns(), __ATOMIC_RELAXED);
    }
}

/* At the program's own exit: how much CPU its process used. */
static void main_exiting(void)
{
    if (getpid() == main_pid)
        __atomic_store_n(&shared->main_cpu_ns, cpu_ns(), __ATOMIC_RELAXED);
}

void racelab_probe_exit(int status)
{
    child_exiting();
    exit(status);
}

void racelab_probe__exit(int status)
{
    child_exiting();
    _exit(status);
}

int racelab_probe_pipe(int fds[2])
{
    count(PROBE_PIPE);
    return pipe(fds);
}

int racelab_probe_pipe2(int fds[2], int flags)
{
    count(PROBE_PIPE);
    return pipe2(fds, flags);
}

pid_t racelab_probe_waitpid(pid_t pid, int *status, int options)
{
    count(PROBE_WAITPID);
    waited_for_children();
    return BLOCKING(waitpid(pid, status, options));
}

pid_t racelab_probe_wait(int *status)
{
    count(PROBE_WAITPID);
    waited_for_children();
    return BLOCKING(wait(status));
}

void *racelab_probe_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
    void *at = mmap(addr, len, prot, flags, fd, offset);
    if (flags & MAP_SHARED) {
        count(PROBE_MMAP_SHARED);
        if (at != MAP_FAILED)
            remember_shared_mapping(at, len);
    }
    return at;
}

/* ---- sleeping and yielding ---- */

unsigned racelab_probe_sleep(unsigned seconds)
{
    count(PROBE_SLEEP);
    return BLOCKING(sleep(seconds));
}

int racelab_probe_usleep(useconds_t us)
{
    count(PROBE_SLEEP);
    return BLOCKING(usleep(us));
}

int racelab_probe_nanosleep(const struct timespec *req, struct timespec *rem)
{
    count(PROBE_SLEEP);
    return BLOCKING(nanosleep(req, rem));
}

int racelab_probe_sched_yield(void)
{
    count(PROBE_YIELD);
    yielding();
    return sched_yield();
}

int racelab_probe_clock_nanosleep(clockid_t clock, int flags, const struct timespec *req,
                                  struct timespec *rem)
{
    count(PROBE_SLEEP);
    return BLOCKING(clock_nanosleep(clock, flags, req, rem));
}

int racelab_probe_thrd_sleep(const struct timespec *req, struct timespec *rem)
{
    count(PROBE_SLEEP);
    return BLOCKING(thrd_sleep(req, rem));
}

void racelab_probe_thrd_yield(void)
{
    count(PROBE_YIELD);
    yielding();
    thrd_yield();
}

/* Reading is how a parent usually waits for a worker's result. */
ssize_t racelab_probe_read(int fd, void *buf, size_t n)
{
    waited_for_children();
    waited_for_threads();
    return BLOCKING(read(fd, buf, n));
}

/* Waiting for file descriptors is waiting, like read; with no descriptor
 * at all it is only a way to sleep. */
int racelab_probe_poll(struct pollfd *fds, nfds_t n, int timeout)
{
    if (n == 0 && timeout != 0)
        count(PROBE_SLEEP);
    waited_for_children();
    waited_for_threads();
    return BLOCKING(poll(fds, n, timeout));
}

int racelab_probe_ppoll(struct pollfd *fds, nfds_t n, const struct timespec *t,
                        const sigset_t *mask)
{
    if (n == 0 && (!t || t->tv_sec || t->tv_nsec))
        count(PROBE_SLEEP);
    waited_for_children();
    waited_for_threads();
    return BLOCKING(ppoll(fds, n, t, mask));
}

/* select with no descriptor to watch, only a timeout */
static bool select_sleeps(int n, fd_set *r, fd_set *w, fd_set *e)
{
    return n == 0 || (!r && !w && !e);
}

int racelab_probe_select(int n, fd_set *r, fd_set *w, fd_set *e, struct timeval *t)
{
    if (select_sleeps(n, r, w, e) && (!t || t->tv_sec || t->tv_usec))
        count(PROBE_SLEEP);
    waited_for_children();
    waited_for_threads();
    return BLOCKING(select(n, r, w, e, t));
}

int racelab_probe_pselect(int n, fd_set *r, fd_set *w, fd_set *e, const struct timespec *t,
                          const sigset_t *mask)
{
    if (select_sleeps(n, r, w, e) && (!t || t->tv_sec || t->tv_nsec))
        count(PROBE_SLEEP);
    waited_for_children();
    waited_for_threads();
    return BLOCKING(pselect(n, r, w, e, t, mask));
}

/* ---- spin locks ---- */

int racelab_probe_pthread_spin_lock(pthread_spinlock_t *l)
{
    count(PROBE_SPIN_LOCK);
    maybe_noise();
    return TAKE_LOCK(l, spin_taken(l), pthread_spin_lock(l));
}

int racelab_probe_pthread_spin_trylock(pthread_spinlock_t *l)
{
    count(PROBE_SPIN_LOCK);
    maybe_noise();
    return pthread_spin_trylock(l);
}

int racelab_probe_pthread_spin_unlock(pthread_spinlock_t *l)
{
    int rc = pthread_spin_unlock(l);
    maybe_noise();
    return rc;
}

/* ---- C11 threads, run as their pthread equivalents ---- */

_Static_assert(sizeof(mtx_t) == sizeof(pthread_mutex_t), "mtx_t is a pthread_mutex_t");
_Static_assert(sizeof(cnd_t) == sizeof(pthread_cond_t), "cnd_t is a pthread_cond_t");
_Static_assert(sizeof(once_flag) == sizeof(pthread_once_t), "once_flag is a pthread_once_t");

static int thrd_status(int rc)
{
    return rc == 0           ? thrd_success
           : rc == EBUSY     ? thrd_busy
           : rc == ETIMEDOUT ? thrd_timedout
           : rc == ENOMEM    ? thrd_nomem
                             : thrd_error;
}

int racelab_probe_mtx_init(mtx_t *m, int type)
{
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    if (type & mtx_recursive)
        pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    int rc = racelab_probe_pthread_mutex_init((pthread_mutex_t *)m, &attr);
    pthread_mutexattr_destroy(&attr);
    return thrd_status(rc);
}

int racelab_probe_mtx_lock(mtx_t *m)
{
    return thrd_status(racelab_probe_pthread_mutex_lock((pthread_mutex_t *)m));
}

int racelab_probe_mtx_timedlock(mtx_t *restrict m, const struct timespec *restrict t)
{
    return thrd_status(racelab_probe_pthread_mutex_timedlock((pthread_mutex_t *)m, t));
}

int racelab_probe_mtx_trylock(mtx_t *m)
{
    return thrd_status(racelab_probe_pthread_mutex_trylock((pthread_mutex_t *)m));
}

int racelab_probe_mtx_unlock(mtx_t *m)
{
    return thrd_status(racelab_probe_pthread_mutex_unlock((pthread_mutex_t *)m));
}

void racelab_probe_mtx_destroy(mtx_t *m)
{
    pthread_mutex_destroy((pthread_mutex_t *)m);
}

int racelab_probe_cnd_init(cnd_t *c)
{
    return thrd_status(pthread_cond_init((pthread_cond_t *)c, NULL));
}

int racelab_probe_cnd_wait(cnd_t *c, mtx_t *m)
{
    return thrd_status(racelab_probe_pthread_cond_wait((pthread_cond_t *)c, (pthread_mutex_t *)m));
}

int racelab_probe_cnd_timedwait(cnd_t *restrict c, mtx_t *restrict m,
                                const struct timespec *restrict t)
{
    return thrd_status(
        racelab_probe_pthread_cond_timedwait((pthread_cond_t *)c, (pthread_mutex_t *)m, t));
}

int racelab_probe_cnd_signal(cnd_t *c)
{
    return thrd_status(racelab_probe_pthread_cond_signal((pthread_cond_t *)c));
}

int racelab_probe_cnd_broadcast(cnd_t *c)
{
    return thrd_status(racelab_probe_pthread_cond_broadcast((pthread_cond_t *)c));
}

void racelab_probe_cnd_destroy(cnd_t *c)
{
    pthread_cond_destroy((pthread_cond_t *)c);
}

typedef struct {
    thrd_start_t start;
    void *arg;
} c11_start;

/* A C11 thread's function, run as a pthread's: its int result travels as a pointer. */
static void *c11_trampoline(void *p)
{
    c11_start s = *(c11_start *)p;
    free(p);
    return (void *)(intptr_t)s.start(s.arg);
}

int racelab_probe_thrd_create(thrd_t *t, thrd_start_t start, void *arg)
{
    c11_start *s = malloc(sizeof *s);
    if (!s)
        return thrd_nomem;
    s->start = start;
    s->arg = arg;
    int rc = racelab_probe_pthread_create((pthread_t *)t, NULL, c11_trampoline, s);
    if (rc != 0)
        free(s);
    return thrd_status(rc);
}

int racelab_probe_thrd_join(thrd_t t, int *result)
{
    void *r = NULL;
    int rc = racelab_probe_pthread_join((pthread_t)t, &r);
    if (rc == 0 && result)
        *result = (int)(intptr_t)r;
    return thrd_status(rc);
}

int racelab_probe_thrd_detach(thrd_t t)
{
    return thrd_status(racelab_probe_pthread_detach((pthread_t)t));
}

void racelab_probe_call_once(once_flag *flag, void (*init)(void))
{
    racelab_probe_pthread_once((pthread_once_t *)flag, init);
}

/* ---- C11 atomics, as ThreadSanitizer instruments them ---- */
#ifndef PROBE_NO_TSAN

/* Busy-waiting: the same thread retrying an atomic read-modify-write on
 * the same address, in vain, BUSY_WAIT_STREAK times in a row (a spin lock
 * of atomic_flag or compare-and-swap). A lock-free retry loop fails a few
 * times under contention, never this often. Loads and stores are neutral. */
#define BUSY_WAIT_STREAK 100
static __thread const volatile void *spin_address;
static __thread unsigned spin_streak;

static void note_rmw(const volatile void *a, bool in_vain)
{
    if (!in_vain || a != spin_address) {
        spin_address = in_vain ? a : NULL;
        spin_streak = in_vain;
        return;
    }
    if (++spin_streak >= BUSY_WAIT_STREAK) {
        count(PROBE_BUSY_WAIT);
        spin_streak = 0;
    }
}

typedef int probe_morder;

#define ATOMIC_LOAD_STORE(bits, type)                                                              \
    type __tsan_atomic##bits##_load(const volatile type *a, probe_morder mo);                      \
    void __tsan_atomic##bits##_store(volatile type *a, type v, probe_morder mo);                   \
    type __tsan_atomic##bits##_compare_exchange_val(volatile type *a, type c, type v,              \
                                                    probe_morder mo, probe_morder fmo);            \
    type racelab_probe___tsan_atomic##bits##_load(const volatile type *a, probe_morder mo)         \
    {                                                                                              \
        count(PROBE_ATOMIC);                                                                       \
        maybe_noise();                                                                             \
        return __tsan_atomic##bits##_load(a, mo);                                                  \
    }                                                                                              \
    void racelab_probe___tsan_atomic##bits##_store(volatile type *a, type v, probe_morder mo)      \
    {                                                                                              \
        count(PROBE_ATOMIC);                                                                       \
        maybe_noise();                                                                             \
        __tsan_atomic##bits##_store(a, v, mo);                                                     \
    }                                                                                              \
    type racelab_probe___tsan_atomic##bits##_compare_exchange_val(                                 \
        volatile type *a, type c, type v, probe_morder mo, probe_morder fmo)                       \
    {                                                                                              \
        count(PROBE_ATOMIC);                                                                       \
        maybe_noise();                                                                             \
        type old = __tsan_atomic##bits##_compare_exchange_val(a, c, v, mo, fmo);                   \
        note_rmw(a, old != c);                                                                     \
        return old;                                                                                \
    }

/* An exchange that wrote a non-zero value already there (a test-and-set
 * that found the flag set) changed nothing: in vain, as a failed CAS. */
#define ATOMIC_RMW_ONE(bits, type, op)                                                             \
    type __tsan_atomic##bits##_##op(volatile type *a, type v, probe_morder mo);                    \
    type racelab_probe___tsan_atomic##bits##_##op(volatile type *a, type v, probe_morder mo)       \
    {                                                                                              \
        count(PROBE_ATOMIC);                                                                       \
        maybe_noise();                                                                             \
        type old = __tsan_atomic##bits##_##op(a, v, mo);                                           \
        note_rmw(a, strcmp(#op, "exchange") == 0 && v != 0 && old == v);                           \
        return old;                                                                                \
    }

#define ATOMIC_CAS_ONE(bits, type, op)                                                             \
    int __tsan_atomic##bits##_##op(volatile type *a, type *c, type v, probe_morder mo,             \
                                   probe_morder fmo);                                              \
    int racelab_probe___tsan_atomic##bits##_##op(volatile type *a, type *c, type v,                \
                                                 probe_morder mo, probe_morder fmo)                \
    {                                                                                              \
        count(PROBE_ATOMIC);                                                                       \
        maybe_noise();                                                                             \
        int ok = __tsan_atomic##bits##_##op(a, c, v, mo, fmo);                                     \
        note_rmw(a, !ok);                                                                          \
        return ok;                                                                                 \
    }

#define ATOMIC_OPS_OF_SIZE(bits, type)                                                             \
    ATOMIC_LOAD_STORE(bits, type)                                                                  \
    ATOMIC_RMW_ONE(bits, type, exchange)                                                           \
    ATOMIC_RMW_ONE(bits, type, fetch_add)                                                          \
    ATOMIC_RMW_ONE(bits, type, fetch_sub)                                                          \
    ATOMIC_RMW_ONE(bits, type, fetch_and)                                                          \
    ATOMIC_RMW_ONE(bits, type, fetch_or)                                                           \
    ATOMIC_RMW_ONE(bits, type, fetch_xor)                                                          \
    ATOMIC_RMW_ONE(bits, type, fetch_nand)                                                         \
    ATOMIC_CAS_ONE(bits, type, compare_exchange_strong)                                            \
    ATOMIC_CAS_ONE(bits, type, compare_exchange_weak)

PROBE_ATOMIC_SIZES(ATOMIC_OPS_OF_SIZE)

void __tsan_atomic_thread_fence(probe_morder mo);
void __tsan_atomic_signal_fence(probe_morder mo);

void racelab_probe___tsan_atomic_thread_fence(probe_morder mo)
{
    count(PROBE_ATOMIC);
    __tsan_atomic_thread_fence(mo);
}

void racelab_probe___tsan_atomic_signal_fence(probe_morder mo)
{
    count(PROBE_ATOMIC);
    __tsan_atomic_signal_fence(mo);
}
#endif
