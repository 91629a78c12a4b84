/* The agent's executor for Swift concurrency: every job the runtime would give to libdispatch's global
 * pool (and to its main queue) runs instead on one thread, the process's main thread, in priority order;
 * delayed jobs wait in a timer heap per clock. No pool worker is ever started or stopped, and libdispatch's
 * once-a-second worker monitor never runs. The run queue and the timer heap are plain values, tested on
 * their own (Tests/AgentTests/TaskExecutorQueueTests.swift). */
#ifndef CTE_H
#define CTE_H

#include <stddef.h>
#include <stdint.h>

struct cte_job;

/* Points the runtime's enqueue hooks (swift_task_enqueueGlobal, ...WithDelay, ...WithDeadline,
 * swift_task_enqueueMainExecutor) at this executor. Call it before any task exists, then cte_run. 0, or -1
 * with errno when the eventfd or a timerfd cannot be made (nothing is installed then). */
int cte_install(void);

/* What Swift's default task executor (AgentExecutorFactory) hands over: a job to run, and a job to run
 * `delay_ns` from now on the continuous (CLOCK_BOOTTIME) or the suspending (CLOCK_MONOTONIC) clock. */
void cte_enqueue(struct cte_job *job);
void cte_enqueue_after(int continuous, uint64_t delay_ns, struct cte_job *job);

/* Runs jobs on the calling thread for the rest of the process's life. */
_Noreturn void cte_run(void);

/* The runtime's job header, as swift/Runtime/ExecutorHooks.h (SwiftJob) lays it out: `scheduler_private`
 * belongs to the executor between enqueue and run, `flags` holds the priority in bits 8-15. */
struct cte_job {
    const void *metadata;
    uintptr_t ref_counts;
    void *scheduler_private[2];
    uint32_t flags;
};

/* Jobs ready to run: a FIFO per priority band (the runtime's five, UserInteractive first), linked through
 * the jobs' own scheduler_private[0], so enqueuing allocates nothing. */
#define CTE_BANDS 5
struct cte_ready {
    struct cte_job *head[CTE_BANDS], *tail[CTE_BANDS];
};

/* The band of a priority: 0 for UserInteractive (0x21) ... 4 for Background (0x09) and unspecified. */
int cte_band(uint32_t priority);
void cte_ready_push(struct cte_ready *ready, struct cte_job *job);
/* The first job of the highest band, or NULL. */
struct cte_job *cte_ready_pop(struct cte_ready *ready);

/* Delayed jobs on one clock: a binary min-heap by deadline (ns on that clock), first come first served
 * among equal deadlines. */
struct cte_timer {
    uint64_t deadline;
    uint64_t order;
    struct cte_job *job;
};
struct cte_timers {
    struct cte_timer *heap;
    size_t count, capacity;
    uint64_t next_order;
};

/* 0, or -1 when the heap cannot grow (out of memory). */
int cte_timers_push(struct cte_timers *timers, uint64_t deadline, struct cte_job *job);
/* The earliest deadline, or UINT64_MAX when empty. */
uint64_t cte_timers_next(const struct cte_timers *timers);
/* Removes and returns the earliest job whose deadline is at or before `now`, or NULL. */
struct cte_job *cte_timers_pop_due(struct cte_timers *timers, uint64_t now);

/* Frees the heap's storage (tests; the executor's heaps live as long as the process). */
void cte_timers_release(struct cte_timers *timers);

/* A deadline as the runtime gives it (seconds and nanoseconds on a clock), in nanoseconds; 0 for an
 * instant before the clock's start, UINT64_MAX past what 64 bits hold. */
uint64_t cte_deadline_ns(long long seconds, long long nanoseconds);

#endif
