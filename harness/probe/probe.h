/*
 * probe.h - what the probe counts, shared by the probe (probe.c, linked into
 * every lab binary) and the harness (probe_read.c, which reads it back).
 *
 * The probe stands between the student's code and the synchronisation and
 * process primitives. At build time, the student's object files have each
 * symbol of PROBE_SYMBOLS (and every ThreadSanitizer atomic entry point)
 * renamed to racelab_probe_<symbol> with objcopy, so only the student's own
 * calls go through the probe: the tests' threads and locks are not counted.
 * The probe counts each call by primitive, keeps the high-water marks of the
 * threads and child processes the student's code keeps going at once,
 * counts
 * mutex acquisitions that had to wait, and at each call may add schedule
 * noise (a yield or a short sleep, from a seeded generator).
 *
 * The counters live in a file mapped MAP_SHARED (RACELAB_PROBE_FILE), so
 * forked children count into the same place and the harness reads the file
 * after the program ends. The counters are updated with relaxed atomics
 * only, which create no happens-before edges that could hide a race.
 */
#ifndef RACELAB_PROBE_H
#define RACELAB_PROBE_H

#include <stdint.h>

#define PROBE_MAGIC 0x52414345u /* "RACE" */
#define PROBE_VERSION 6

/* X(ID, "name used in lab.ini", "what a student calls it") */
#define PROBE_PRIMITIVES(X)                                                                        \
    X(MUTEX_LOCK, "mutex_lock", "pthread_mutex_lock")                                              \
    X(MUTEX_TRYLOCK, "mutex_trylock", "pthread_mutex_trylock")                                     \
    X(MUTEX_UNLOCK, "mutex_unlock", "pthread_mutex_unlock")                                        \
    X(MUTEX_INIT, "mutex_init", "pthread_mutex_init")                                              \
    X(COND_WAIT, "cond_wait", "pthread_cond_wait")                                                 \
    X(COND_SIGNAL, "cond_signal", "pthread_cond_signal")                                           \
    X(COND_BROADCAST, "cond_broadcast", "pthread_cond_broadcast")                                  \
    X(RWLOCK_RDLOCK, "rwlock_rdlock", "pthread_rwlock_rdlock")                                     \
    X(RWLOCK_WRLOCK, "rwlock_wrlock", "pthread_rwlock_wrlock")                                     \
    X(RWLOCK_UNLOCK, "rwlock_unlock", "pthread_rwlock_unlock")                                     \
    X(SEM_WAIT, "sem_wait", "sem_wait or sem_timedwait")                                           \
    X(SEM_TRYWAIT, "sem_trywait", "sem_trywait")                                                   \
    X(SEM_POST, "sem_post", "sem_post")                                                            \
    X(SEM_INIT, "sem_init", "sem_init")                                                            \
    X(ONCE, "once", "pthread_once")                                                                \
    X(THREAD_CREATE, "thread_create", "pthread_create")                                            \
    X(THREAD_JOIN, "thread_join", "pthread_join")                                                  \
    X(THREAD_DETACH, "thread_detach", "pthread_detach")                                            \
    X(FORK, "fork", "fork")                                                                        \
    X(PIPE, "pipe", "pipe")                                                                        \
    X(WAITPID, "waitpid", "waitpid or wait")                                                       \
    X(MMAP_SHARED, "mmap_shared", "mmap with MAP_SHARED")                                          \
    X(PSHARED, "pshared",                                                                          \
      "a process-shared mutex, condition variable or semaphore inside MAP_SHARED memory")          \
    X(SLEEP, "sleep",                                                                              \
      "sleep, usleep, nanosleep, clock_nanosleep, thrd_sleep, or poll or select with nothing to "  \
      "wait for")                                                                                  \
    X(YIELD, "yield", "sched_yield or thrd_yield")                                                 \
    X(ATOMIC, "atomic", "C11 atomic operations")                                                   \
    X(SPIN_LOCK, "spin_lock", "pthread_spin_lock or pthread_spin_trylock")                         \
    X(BUSY_WAIT, "busy_wait",                                                                      \
      "a busy-wait loop (an atomic exchange or compare-and-swap retried 100 times in a row)")

typedef enum {
#define PROBE_ENUM(id, name, words) PROBE_##id,
    PROBE_PRIMITIVES(PROBE_ENUM)
#undef PROBE_ENUM
        PROBE_NPRIM
} probe_primitive;

/* The libc and pthread functions renamed in student objects: X(symbol).
 * C11 threads (mtx_*, cnd_*, thrd_*, call_once) are renamed too: the probe
 * runs them as their pthread equivalents (glibc's C11 types are the pthread
 * ones underneath), which ThreadSanitizer sees, and counts them as such. */
#define PROBE_SYMBOLS(X)                                                                           \
    X(pthread_mutex_lock)                                                                          \
    X(pthread_mutex_timedlock)                                                                     \
    X(pthread_mutex_trylock)                                                                       \
    X(pthread_mutex_unlock)                                                                        \
    X(pthread_mutex_init)                                                                          \
    X(pthread_cond_wait)                                                                           \
    X(pthread_cond_timedwait)                                                                      \
    X(pthread_cond_signal)                                                                         \
    X(pthread_cond_broadcast)                                                                      \
    X(pthread_rwlock_rdlock)                                                                       \
    X(pthread_rwlock_tryrdlock)                                                                    \
    X(pthread_rwlock_timedrdlock)                                                                  \
    X(pthread_rwlock_wrlock)                                                                       \
    X(pthread_rwlock_trywrlock)                                                                    \
    X(pthread_rwlock_timedwrlock)                                                                  \
    X(pthread_rwlock_unlock)                                                                       \
    X(sem_wait)                                                                                    \
    X(sem_trywait)                                                                                 \
    X(sem_timedwait)                                                                               \
    X(sem_post)                                                                                    \
    X(sem_init)                                                                                    \
    X(pthread_once)                                                                                \
    X(pthread_create)                                                                              \
    X(pthread_join) X(pthread_detach) X(fork) X(pipe) X(pipe2) X(waitpid) X(wait) X(mmap)          \
        X(pthread_cond_init) X(sleep) X(usleep) X(nanosleep) X(clock_nanosleep) X(thrd_sleep)      \
            X(sched_yield) X(thrd_yield) X(exit) X(_exit) X(read) X(poll) X(ppoll) X(select)       \
                X(pselect) X(pthread_spin_lock) X(pthread_spin_trylock) X(pthread_spin_unlock)     \
                    X(mtx_init) X(mtx_lock) X(mtx_timedlock) X(mtx_trylock) X(mtx_unlock)          \
                        X(mtx_destroy) X(cnd_init) X(cnd_wait) X(cnd_timedwait) X(cnd_signal)      \
                            X(cnd_broadcast) X(cnd_destroy) X(thrd_create) X(thrd_join)            \
                                X(thrd_detach) X(call_once)

/* ThreadSanitizer's atomic entry points, __tsan_atomic<BITS>_<OP>: */
#define PROBE_ATOMIC_SIZES(X) X(8, char) X(16, short) X(32, int) X(64, long long)
#define PROBE_ATOMIC_RMW(X)                                                                        \
    X(exchange) X(fetch_add) X(fetch_sub) X(fetch_and) X(fetch_or) X(fetch_xor) X(fetch_nand)
#define PROBE_ATOMIC_CAS(X) X(compare_exchange_strong) X(compare_exchange_weak)
/* plus _load, _store, _compare_exchange_val, and __tsan_atomic_thread_fence,
 * __tsan_atomic_signal_fence */

/* Calls counted per thread, for the first PROBE_MAX_THREADS threads that
 * made one (in the program's process or in a child it forked). */
#define PROBE_MAX_THREADS 64
typedef struct {
    uint32_t process; /* 0: the program's own process; n: the n-th child it forked */
    uint32_t student; /* 1: a thread the student's code started */
    uint64_t calls[PROBE_NPRIM];
} probe_thread;

/* The mapped file. Every field is written with atomic operations. */
typedef struct {
    uint32_t magic;
    uint32_t version;
    uint64_t calls[PROBE_NPRIM];
    uint64_t contended;        /* blocking lock calls (mutex, rwlock) that found the lock taken */
    int64_t threads_alive;     /* student-created threads running their function now */
    int64_t threads_alive_max; /* ... at most, at once */
    int64_t threads_burst_max; /* most threads the student's code started before it waited
                                  (join, condition, semaphore, read) for any */
    int64_t procs_running;     /* student-forked children not yet exited */
    int64_t procs_running_max; /* ... at most, at once */
    int64_t procs_burst_max;   /* most children forked before the student's code waited
                                  (read, wait, waitpid) for any */
    uint64_t child_cpu_ns;     /* CPU time the student's children used, summed at their exit */
    uint64_t main_cpu_ns;      /* CPU time of the program's own process, at its exit */
    uint64_t noise_events;     /* yields and sleeps the probe added, PCT hand-overs */
    uint32_t nthreads;         /* threads that made a counted call (may exceed the table) */
    uint32_t nprocs;           /* children forked so far, numbering them */
    probe_thread thread[PROBE_MAX_THREADS];
} probe_shared;

#endif
