/*
 * probe_schedule.c - the PCT-style scheduler of the probe (see
 * probe_schedule.h for what it does and why).
 *
 * One table of thread places, guarded by a spinlock; the place holding the
 * turn is `owner`. Handing the turn to a place bumps that place's futex
 * word and wakes its thread only; the others look for a stall on a timer.
 * Everything here is invisible to ThreadSanitizer on purpose:
 * this file is built without instrumentation, and its only system calls
 * (futex, gettid, reading /proc) go through syscall(), which TSan does not
 * intercept.
 */
#define _GNU_SOURCE
#include "probe_schedule.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_PLACES 256
#define CHANGE_POINTS 2            /* d - 1, for bugs of depth d = 3 */
#define CHANGE_HORIZON_BITS 16     /* change points fall in [1, 2^this) steps */
#define SPIN_STEPS 2000            /* steps in a row that count as spinning */
#define STALL_BLOCKED_NS 50000LL   /* holder asleep elsewhere: take over after 50 us */
#define STALL_RUNNING_NS 2000000LL /* holder running: take over after 2 ms */

typedef enum {
    PLACE_FREE,
    PLACE_RESERVED,
    PLACE_WAITING,
    PLACE_RUNNING,
    PLACE_BLOCKED
} place_state;

typedef struct {
    place_state state;
    int tid;          /* 0 while reserved */
    int64_t priority; /* higher runs first */
    bool in_wait;     /* its thread is in wait_for_turn, about to run */
    bool creating;    /* its thread is in pthread_create, which waits for the new
                         thread to start: not a stall */
} place;

static bool on;
static int table_lock; /* spinlock over everything below */
static place places[MAX_PLACES];
static int owner = -1; /* the place holding the turn, -1: nobody */
/* one futex word per place, bumped when the place is handed the turn: only
 * the new holder wakes (waking every waiter at every hand-over made code
 * that yields in a loop crawl: ten threads woke to find one of them chosen) */
static uint32_t turn_words[MAX_PLACES];
static uint64_t rng;
static uint64_t steps; /* steps of this process so far */
static uint64_t change_at[CHANGE_POINTS];
static int next_change;
static int64_t lowest = 0;                 /* priorities handed out below every other */
static int64_t highest = INT64_C(1) << 40; /* ... and above every other */
static uint64_t run_length;                /* steps the owner made since it got the turn */
static uint64_t switches;
static pthread_key_t exit_key;
static __thread int my_place = -1;

/* ---- low-level ---- */

static void lock(void)
{
    while (__atomic_exchange_n(&table_lock, 1, __ATOMIC_ACQUIRE))
        syscall(SYS_sched_yield);
}

static void unlock(void)
{
    __atomic_store_n(&table_lock, 0, __ATOMIC_RELEASE);
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint64_t next_random(void)
{
    uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Initial priorities lie above the change points' (1 .. CHANGE_POINTS). */
static int64_t random_priority(void)
{
    return CHANGE_POINTS + 1 + (int64_t)(next_random() >> 34);
}

/* Is thread tid of this process on a CPU or ready to be? From
 * /proc/self/task/TID/stat, read with raw system calls. */
static bool thread_running(int tid)
{
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
    int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false; /* gone */
    long n = syscall(SYS_read, fd, buf, sizeof buf - 1);
    syscall(SYS_close, fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    char *paren = strrchr(buf, ')');
    return paren && paren[1] == ' ' && paren[2] == 'R';
}

/* ---- the table (with the lock held) ---- */

static void hand_to(int p)
{
    if (p != owner)
        switches++;
    owner = p;
    run_length = 0;
    if (p >= 0 && places[p].state == PLACE_WAITING)
        places[p].state = PLACE_RUNNING;
    if (p >= 0) {
        __atomic_add_fetch(&turn_words[p], 1, __ATOMIC_RELEASE);
        syscall(SYS_futex, &turn_words[p], FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
    }
}

/* The waiting (or reserved, not yet started) place of highest priority. */
static int highest_waiting(void)
{
    int best = -1;
    for (int i = 0; i < MAX_PLACES; i++)
        if ((places[i].state == PLACE_WAITING || places[i].state == PLACE_RESERVED) &&
            (best < 0 || places[i].priority > places[best].priority))
            best = i;
    return best;
}

static int free_place(void)
{
    for (int i = 0; i < MAX_PLACES; i++)
        if (places[i].state == PLACE_FREE)
            return i;
    return -1;
}

static void leave(int p)
{
    places[p].state = PLACE_FREE;
    if (owner == p)
        hand_to(highest_waiting());
}

/* ---- waiting for the turn ---- */

/* Has the holder of the turn kept it too long? Blocked where the probe
 * cannot see (the tests' own joins, a stdio lock) for 50 microseconds, or
 * running without a step (spinning) for two milliseconds. */
static bool stalled(int holder, int64_t waited)
{
    int tid = places[holder].tid;
    if (places[holder].in_wait || places[holder].creating)
        return false; /* it was just handed the turn, and takes it; or it creates a thread */
    return waited >= STALL_RUNNING_NS ||
           (waited >= STALL_BLOCKED_NS && tid != 0 && !thread_running(tid));
}

/* Called without the lock by a place in state WAITING. */
static void wait_for_turn(int me)
{
    int64_t waited_since = now_ns();
    long tick_ns = 20000;
    for (;;) {
        lock();
        if (owner == me) {
            places[me].state = PLACE_RUNNING;
            places[me].in_wait = false;
            unlock();
            return;
        }
        places[me].state = PLACE_WAITING;
        places[me].in_wait = true;
        if (owner < 0) {
            hand_to(highest_waiting());
            unlock();
            continue;
        }
        if (stalled(owner, now_ns() - waited_since)) {
            /* the holder is blocked where the probe cannot see, or spins:
             * take the turn, and rank above it so as to keep it a while;
             * the holder asks for the turn again at its next step */
            places[me].priority = ++highest;
            hand_to(me);
            unlock();
            continue;
        }
        uint32_t seen = __atomic_load_n(&turn_words[me], __ATOMIC_ACQUIRE);
        unlock();
        /* then look for a stall: soon at first (a holder asleep in the
         * tests' code, say a 50 us sleep between calls, stalls everyone),
         * then less and less often, up to every millisecond */
        struct timespec tick = {0, tick_ns};
        syscall(SYS_futex, &turn_words[me], FUTEX_WAIT_PRIVATE, seen, &tick, NULL, 0);
        if (tick_ns < 1000000)
            tick_ns *= 2;
    }
}

static void thread_exits(void *value)
{
    int p = (int)(intptr_t)value - 1;
    if (p < 0 || p >= MAX_PLACES)
        return;
    lock();
    leave(p);
    unlock();
}

/* Gives the calling thread a place; with the lock held. -1 when full. */
static int enrol(place_state state)
{
    int p = free_place();
    if (p < 0)
        return -1;
    places[p] =
        (place){.state = state, .tid = (int)syscall(SYS_gettid), .priority = random_priority()};
    my_place = p;
    pthread_setspecific(exit_key, (void *)(intptr_t)(p + 1));
    return p;
}

/* ---- the interface ---- */

void schedule_start(uint64_t seed)
{
    rng = seed * 0xD1B54A32D192ED03ull + 0x5851F42D4C957F2Dull;
    for (int i = 0; i < CHANGE_POINTS; i++) {
        /* log-uniform, without libm: a random power of two, then a random
         * point in the octave above it */
        uint64_t r = next_random();
        unsigned octave = (unsigned)(r % CHANGE_HORIZON_BITS);
        uint64_t base = UINT64_C(1) << octave;
        change_at[i] = base + (r >> 32) % base;
    }
    for (int i = 1; i < CHANGE_POINTS; i++) /* sort ascending */
        for (int k = i; k > 0 && change_at[k] < change_at[k - 1]; k--) {
            uint64_t t = change_at[k];
            change_at[k] = change_at[k - 1];
            change_at[k - 1] = t;
        }
    pthread_key_create(&exit_key, thread_exits);
    on = true;
}

bool schedule_on(void)
{
    return on;
}

/* A step; a yielding thread asks every waiting one to go first. */
static bool step(bool yielding)
{
    if (!on)
        return false;
    lock();
    int me = my_place;
    if (me < 0) {
        me = enrol(PLACE_WAITING);
        unlock();
        if (me >= 0)
            wait_for_turn(me);
        return me >= 0;
    }
    steps++;
    if (owner != me) { /* another thread took the turn over */
        places[me].state = PLACE_WAITING;
        unlock();
        wait_for_turn(me);
        return true;
    }
    if (next_change < CHANGE_POINTS && steps >= change_at[next_change])
        places[me].priority = ++next_change; /* a change point: drop below all */
    int w = highest_waiting();
    if (w >= 0 && (yielding || ++run_length > SPIN_STEPS))
        places[me].priority = --lowest; /* spinning while others wait */
    if (w < 0 || places[w].priority <= places[me].priority) {
        unlock();
        return false;
    }
    places[me].state = PLACE_WAITING;
    hand_to(w);
    unlock();
    wait_for_turn(me);
    return true;
}

bool schedule_step(void)
{
    return step(false);
}

bool schedule_yield(void)
{
    return step(true);
}

void schedule_block_begin(void)
{
    if (!on || my_place < 0)
        return;
    lock();
    places[my_place].state = PLACE_BLOCKED;
    if (owner == my_place)
        hand_to(highest_waiting());
    unlock();
}

void schedule_block_end(void)
{
    if (!on)
        return;
    lock();
    int me = my_place >= 0 ? my_place : enrol(PLACE_WAITING);
    if (me >= 0 && owner != me)
        places[me].state = PLACE_WAITING;
    unlock();
    if (me >= 0)
        wait_for_turn(me);
}

int schedule_reserve(void)
{
    if (!on)
        return -1;
    lock();
    if (my_place >= 0)
        places[my_place].creating = true;
    int p = free_place();
    if (p >= 0)
        places[p] = (place){.state = PLACE_RESERVED, .priority = random_priority()};
    unlock();
    return p;
}

void schedule_claim(int reservation)
{
    if (!on || reservation < 0 || reservation >= MAX_PLACES)
        return;
    lock();
    my_place = reservation;
    pthread_setspecific(exit_key, (void *)(intptr_t)(reservation + 1));
    places[reservation].tid = (int)syscall(SYS_gettid);
    places[reservation].state = owner == reservation ? PLACE_RUNNING : PLACE_WAITING;
    unlock();
    wait_for_turn(reservation);
}

void schedule_created(void)
{
    if (!on || my_place < 0)
        return;
    lock();
    places[my_place].creating = false;
    unlock();
}

void schedule_cancel(int reservation)
{
    if (!on || reservation < 0 || reservation >= MAX_PLACES)
        return;
    lock();
    leave(reservation);
    unlock();
}

void schedule_after_fork(void)
{
    if (!on)
        return;
    table_lock = 0; /* another thread may have held it at the fork */
    for (int i = 0; i < MAX_PLACES; i++)
        places[i].state = PLACE_FREE;
    owner = -1;
    my_place = -1;
    lock();
    int me = enrol(PLACE_RUNNING);
    owner = me;
    run_length = 0;
    unlock();
}

uint64_t schedule_switches(void)
{
    return __atomic_load_n(&switches, __ATOMIC_RELAXED);
}
