/* The run queue and the timer heap: no locks, no clocks, no I/O (executor.c holds the lock and reads
 * the clocks). */
#include "cte.h"

#include <stdlib.h>

int cte_band(uint32_t priority) {
    if (priority > 0x19) return 0; /* UserInteractive */
    if (priority > 0x15) return 1; /* UserInitiated */
    if (priority > 0x11) return 2; /* Default */
    if (priority > 0x09) return 3; /* Utility */
    return 4; /* Background, unspecified */
}

void cte_ready_push(struct cte_ready *ready, struct cte_job *job) {
    int band = cte_band((job->flags >> 8) & 0xff);
    job->scheduler_private[0] = NULL;
    if (ready->tail[band])
        ready->tail[band]->scheduler_private[0] = job;
    else
        ready->head[band] = job;
    ready->tail[band] = job;
}

struct cte_job *cte_ready_pop(struct cte_ready *ready) {
    for (int band = 0; band < CTE_BANDS; band++) {
        struct cte_job *job = ready->head[band];
        if (!job) continue;
        ready->head[band] = job->scheduler_private[0];
        if (!ready->head[band]) ready->tail[band] = NULL;
        return job;
    }
    return NULL;
}

static int earlier(const struct cte_timer *a, const struct cte_timer *b) {
    return a->deadline < b->deadline || (a->deadline == b->deadline && a->order < b->order);
}

int cte_timers_push(struct cte_timers *timers, uint64_t deadline, struct cte_job *job) {
    if (timers->count == timers->capacity) {
        size_t capacity = timers->capacity ? timers->capacity * 2 : 16;
        struct cte_timer *grown = realloc(timers->heap, capacity * sizeof *grown);
        if (!grown) return -1;
        timers->heap = grown;
        timers->capacity = capacity;
    }
    size_t at = timers->count++;
    struct cte_timer entry = {deadline, timers->next_order++, job};
    while (at > 0) {
        size_t parent = (at - 1) / 2;
        if (!earlier(&entry, &timers->heap[parent])) break;
        timers->heap[at] = timers->heap[parent];
        at = parent;
    }
    timers->heap[at] = entry;
    return 0;
}

uint64_t cte_timers_next(const struct cte_timers *timers) {
    return timers->count ? timers->heap[0].deadline : UINT64_MAX;
}

struct cte_job *cte_timers_pop_due(struct cte_timers *timers, uint64_t now) {
    if (timers->count == 0 || timers->heap[0].deadline > now) return NULL;
    struct cte_job *job = timers->heap[0].job;
    struct cte_timer last = timers->heap[--timers->count];
    size_t at = 0;
    for (;;) {
        size_t child = 2 * at + 1;
        if (child >= timers->count) break;
        if (child + 1 < timers->count && earlier(&timers->heap[child + 1], &timers->heap[child])) child++;
        if (!earlier(&timers->heap[child], &last)) break;
        timers->heap[at] = timers->heap[child];
        at = child;
    }
    if (timers->count) timers->heap[at] = last;
    return job;
}

void cte_timers_release(struct cte_timers *timers) {
    free(timers->heap);
    *timers = (struct cte_timers){0};
}

uint64_t cte_deadline_ns(long long seconds, long long nanoseconds) {
    if (seconds < 0 || (seconds == 0 && nanoseconds <= 0)) return 0;
    if ((unsigned long long)seconds >= UINT64_MAX / 1000000000ull - 1) return UINT64_MAX;
    long long total = seconds * 1000000000ll + nanoseconds;
    return total < 0 ? 0 : (uint64_t)total;
}
