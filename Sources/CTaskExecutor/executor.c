/* The hooks and the run loop. Jobs come from any thread (a continuation resumed by the sampler, the push
 * thread, the signal thread) under one lock; the loop on the main thread takes them out in priority order
 * and sleeps in poll(2) on an eventfd (new work) and two timerfds (the earliest deadline on CLOCK_MONOTONIC,
 * SuspendingClock's, and on CLOCK_BOOTTIME, ContinuousClock's, which keeps counting through a suspend). */
#define _GNU_SOURCE
#include "cte.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

/* swift/Runtime/Concurrency.h and ConcurrencyHooks.def (Swift 6.3): each hook receives the runtime's own
 * implementation as its last argument; SerialExecutorRef is two words, {0, 0} for the generic executor. */
typedef struct {
    void *identity;
    uintptr_t implementation;
} cte_executor_ref;

typedef __attribute__((swiftcall)) void (*enqueue_original)(struct cte_job *);
typedef __attribute__((swiftcall)) void (*delay_original)(unsigned long long, struct cte_job *);
typedef __attribute__((swiftcall)) void (*deadline_original)(long long, long long, long long, long long, int,
                                                             struct cte_job *);

extern __attribute__((swiftcall)) void (*swift_task_enqueueGlobal_hook)(struct cte_job *, enqueue_original);
extern __attribute__((swiftcall)) void (*swift_task_enqueueGlobalWithDelay_hook)(unsigned long long,
                                                                                 struct cte_job *, delay_original);
extern __attribute__((swiftcall)) void (*swift_task_enqueueGlobalWithDeadline_hook)(
    long long, long long, long long, long long, int, struct cte_job *, deadline_original);
extern __attribute__((swiftcall)) void (*swift_task_enqueueMainExecutor_hook)(struct cte_job *, enqueue_original);
extern __attribute__((swiftcall)) void swift_job_run(struct cte_job *, cte_executor_ref);
extern __attribute__((swiftcall)) cte_executor_ref swift_task_getMainExecutor(void);

/* swift_clock_id (swift/Runtime/Concurrency.h). */
enum { CLOCK_ID_CONTINUOUS = 1, CLOCK_ID_SUSPENDING = 2 };
/* Which executor a queued job runs on, kept in its scheduler_private[1]. */
#define ON_MAIN ((void *)1)

enum { MONOTONIC, BOOTTIME, CLOCKS };
/* What `armed` holds for a timerfd that has gone off: no deadline compares equal to it. */
#define FIRED (UINT64_MAX - 1)
static const clockid_t clock_ids[CLOCKS] = {CLOCK_MONOTONIC, CLOCK_BOOTTIME};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct cte_ready ready;
static struct cte_timers timers[CLOCKS];
/* The loop is (about to be) in poll: an enqueue must write the eventfd. */
static int sleeping;
static int wake_fd = -1, timer_fds[CLOCKS] = {-1, -1};

static uint64_t now_ns(clockid_t clock) {
    struct timespec now;
    clock_gettime(clock, &now);
    return (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
}

static void wake_locked(void) {
    if (!sleeping) return;
    sleeping = 0;
    uint64_t one = 1;
    while (write(wake_fd, &one, sizeof one) < 0 && errno == EINTR) {}
}

static void push_ready(struct cte_job *job, void *on) {
    pthread_mutex_lock(&lock);
    cte_ready_push(&ready, job);
    job->scheduler_private[1] = on;
    wake_locked();
    pthread_mutex_unlock(&lock);
}

static void push_timer(int clock, uint64_t deadline, struct cte_job *job) {
    pthread_mutex_lock(&lock);
    if (cte_timers_push(&timers[clock], deadline, job) != 0) {
        fputs("shelter-agent: out of memory for a delayed task\n", stderr);
        abort();
    }
    /* The loop re-arms its timerfds before it sleeps again. */
    wake_locked();
    pthread_mutex_unlock(&lock);
}

static __attribute__((swiftcall)) void enqueue_global(struct cte_job *job, enqueue_original original) {
    (void)original;
    push_ready(job, NULL);
}

static __attribute__((swiftcall)) void enqueue_main(struct cte_job *job, enqueue_original original) {
    (void)original;
    push_ready(job, ON_MAIN);
}

/* Task.sleep(nanoseconds:): relative, on the uptime clock as libdispatch's dispatch_after reads it. */
static __attribute__((swiftcall)) void enqueue_delay(unsigned long long delay, struct cte_job *job,
                                                     delay_original original) {
    (void)original;
    uint64_t now = now_ns(CLOCK_MONOTONIC);
    push_timer(MONOTONIC, delay > UINT64_MAX - now ? UINT64_MAX : now + delay, job);
}

/* Clock.sleep(until:): an instant on ContinuousClock (CLOCK_BOOTTIME on Linux) or SuspendingClock
 * (CLOCK_MONOTONIC). The tolerance is not used: every deadline is kept exactly. */
static __attribute__((swiftcall)) void enqueue_deadline(long long sec, long long nsec, long long tsec,
                                                        long long tnsec, int clock, struct cte_job *job,
                                                        deadline_original original) {
    (void)tsec, (void)tnsec, (void)original;
    push_timer(clock == CLOCK_ID_CONTINUOUS ? BOOTTIME : MONOTONIC, cte_deadline_ns(sec, nsec), job);
}

void cte_enqueue(struct cte_job *job) { push_ready(job, NULL); }

void cte_enqueue_after(int continuous, uint64_t delay_ns, struct cte_job *job) {
    int clock = continuous ? BOOTTIME : MONOTONIC;
    uint64_t now = now_ns(clock_ids[clock]);
    push_timer(clock, delay_ns > UINT64_MAX - now ? UINT64_MAX : now + delay_ns, job);
}

int cte_install(void) {
    wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    for (int clock = 0; clock < CLOCKS; clock++)
        timer_fds[clock] = timerfd_create(clock_ids[clock], TFD_CLOEXEC | TFD_NONBLOCK);
    if (wake_fd < 0 || timer_fds[MONOTONIC] < 0 || timer_fds[BOOTTIME] < 0) {
        int saved = errno;
        if (wake_fd >= 0) close(wake_fd);
        for (int clock = 0; clock < CLOCKS; clock++)
            if (timer_fds[clock] >= 0) close(timer_fds[clock]);
        errno = saved;
        return -1;
    }
    swift_task_enqueueGlobal_hook = enqueue_global;
    swift_task_enqueueGlobalWithDelay_hook = enqueue_delay;
    swift_task_enqueueGlobalWithDeadline_hook = enqueue_deadline;
    swift_task_enqueueMainExecutor_hook = enqueue_main;
    return 0;
}

/* Takes the next job to run, moving due timers to the run queue first; NULL when there is none yet. */
static struct cte_job *next_locked(void) {
    for (int clock = 0; clock < CLOCKS; clock++) {
        if (timers[clock].count == 0) continue;
        uint64_t now = now_ns(clock_ids[clock]);
        struct cte_job *due;
        while ((due = cte_timers_pop_due(&timers[clock], now))) {
            cte_ready_push(&ready, due);
            due->scheduler_private[1] = NULL;
        }
    }
    return cte_ready_pop(&ready);
}

/* Points each timerfd at its heap's earliest deadline, when that changed since it was last set. */
static void arm_locked(uint64_t armed[CLOCKS]) {
    for (int clock = 0; clock < CLOCKS; clock++) {
        uint64_t next = cte_timers_next(&timers[clock]);
        if (next == armed[clock]) continue;
        struct itimerspec when = {0};
        if (next != UINT64_MAX) {
            /* An all-zero it_value disarms: a deadline at the clock's start is 1 ns, long past anyway. */
            uint64_t at = next ? next : 1;
            when.it_value.tv_sec = (time_t)(at / 1000000000ull);
            when.it_value.tv_nsec = (long)(at % 1000000000ull);
        }
        if (timerfd_settime(timer_fds[clock], TFD_TIMER_ABSTIME, &when, NULL) == 0) armed[clock] = next;
    }
}

_Noreturn void cte_run(void) {
    uint64_t armed[CLOCKS] = {UINT64_MAX, UINT64_MAX};
    cte_executor_ref generic = {0, 0}, main_executor = {0, 0};
    int main_known = 0;
    for (;;) {
        pthread_mutex_lock(&lock);
        struct cte_job *job = next_locked();
        if (!job) {
            arm_locked(armed);
            sleeping = 1;
            pthread_mutex_unlock(&lock);
            struct pollfd fds[3] = {{wake_fd, POLLIN, 0}, {timer_fds[0], POLLIN, 0}, {timer_fds[1], POLLIN, 0}};
            if (poll(fds, 3, -1) > 0) {
                uint64_t drained;
                for (int i = 0; i < 3; i++) {
                    if (!(fds[i].revents & POLLIN)) continue;
                    (void)!read(fds[i].fd, &drained, sizeof drained);
                    /* A timerfd that fired is disarmed: set it again even for an equal deadline. */
                    if (i > 0) armed[i - 1] = FIRED;
                }
            }
            pthread_mutex_lock(&lock);
            sleeping = 0;
            pthread_mutex_unlock(&lock);
            continue;
        }
        void *on = job->scheduler_private[1];
        pthread_mutex_unlock(&lock);
        if (on == ON_MAIN && !main_known) {
            main_executor = swift_task_getMainExecutor();
            main_known = 1;
        }
        swift_job_run(job, on == ON_MAIN ? main_executor : generic);
    }
}
