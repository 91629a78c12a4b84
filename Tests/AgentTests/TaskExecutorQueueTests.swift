import CTaskExecutor
import Testing

/// The agent's task executor decides two things on its own, both tested here without a clock or a thread:
/// which ready job runs next (priority bands, first come first served within one) and which delayed job is
/// due (a min-heap by deadline against an injected "now").
@Suite struct TaskExecutorQueueTests {
    /// Job headers as the runtime lays them out, with `flags` carrying the priority in bits 8-15.
    final class Jobs {
        let headers: UnsafeMutablePointer<cte_job>
        let count: Int

        init(priorities: [UInt32]) {
            count = priorities.count
            headers = .allocate(capacity: count)
            for (index, priority) in priorities.enumerated() {
                headers[index] = cte_job(metadata: nil, ref_counts: 0, scheduler_private: (nil, nil), flags: priority << 8)
            }
        }

        deinit { headers.deallocate() }

        subscript(index: Int) -> UnsafeMutablePointer<cte_job> { headers + index }

        func index(of job: UnsafeMutablePointer<cte_job>?) -> Int? {
            guard let job else { return nil }
            return headers.distance(to: job)
        }
    }

    /// The runtime's TaskPriority raw values, highest first: UserInteractive, UserInitiated (high),
    /// Default (medium), Utility (low), Background, and unspecified.
    static let priorities: [UInt32] = [0x21, 0x19, 0x15, 0x11, 0x09, 0]

    @Test func eachRuntimePriorityHasItsBandInOrder() {
        #expect(Self.priorities.map { cte_band($0) } == [0, 1, 2, 3, 4, 4])
    }

    @Test func theHighestBandRunsFirstAndEachBandInArrivalOrder() {
        // Arrival: low, default, high, default, low, high, background.
        let jobs = Jobs(priorities: [0x11, 0x15, 0x19, 0x15, 0x11, 0x19, 0x09])
        var ready = cte_ready()
        for index in 0..<jobs.count { cte_ready_push(&ready, jobs[index]) }
        var order: [Int] = []
        while let job = cte_ready_pop(&ready) { order.append(jobs.index(of: job)!) }
        #expect(order == [2, 5, 1, 3, 0, 4, 6])
        #expect(cte_ready_pop(&ready) == nil, "empty once every job is out")
    }

    @Test func aJobPushedAfterItsBandEmptiedIsStillFound() {
        let jobs = Jobs(priorities: [0x15, 0x15])
        var ready = cte_ready()
        cte_ready_push(&ready, jobs[0])
        #expect(jobs.index(of: cte_ready_pop(&ready)) == 0)
        cte_ready_push(&ready, jobs[1])
        #expect(jobs.index(of: cte_ready_pop(&ready)) == 1)
        #expect(cte_ready_pop(&ready) == nil)
    }

    @Test func delayedJobsComeDueInDeadlineOrderAndNotBefore() {
        let jobs = Jobs(priorities: [0x15, 0x15, 0x15, 0x15])
        var timers = cte_timers()
        defer { cte_timers_release(&timers) }
        #expect(cte_timers_next(&timers) == UInt64.max, "no deadline when empty")
        for (index, deadline) in [(0, 5_000), (1, 1_000), (2, 9_000), (3, 3_000)] {
            #expect(cte_timers_push(&timers, UInt64(deadline), jobs[index]) == 0)
        }
        #expect(cte_timers_next(&timers) == 1_000)
        #expect(cte_timers_pop_due(&timers, 999) == nil, "1 ns early is not due")
        #expect(jobs.index(of: cte_timers_pop_due(&timers, 1_000)) == 1)
        #expect(cte_timers_pop_due(&timers, 2_999) == nil)
        // A late look finds every job that came due meanwhile, earliest first.
        var late: [Int] = []
        while let job = cte_timers_pop_due(&timers, 6_000) { late.append(jobs.index(of: job)!) }
        #expect(late == [3, 0])
        #expect(cte_timers_next(&timers) == 9_000)
        #expect(jobs.index(of: cte_timers_pop_due(&timers, .max)) == 2)
        #expect(timers.count == 0)
    }

    @Test func equalDeadlinesComeDueInArrivalOrder() {
        let jobs = Jobs(priorities: Array(repeating: 0x15, count: 6))
        var timers = cte_timers()
        defer { cte_timers_release(&timers) }
        for index in 0..<6 { #expect(cte_timers_push(&timers, 7, jobs[index]) == 0) }
        var order: [Int] = []
        while let job = cte_timers_pop_due(&timers, 7) { order.append(jobs.index(of: job)!) }
        #expect(order == Array(0..<6))
    }

    /// Past the first allocation (16 entries) and through many reorderings: the heap gives back exactly
    /// the pushed deadlines, sorted.
    @Test func manyDeadlinesComeBackSorted() {
        let jobs = Jobs(priorities: Array(repeating: 0x15, count: 500))
        var timers = cte_timers()
        defer { cte_timers_release(&timers) }
        var generator = SystemRandomNumberGenerator()
        var deadlines: [UInt64: Int] = [:]
        for index in 0..<jobs.count {
            let deadline = UInt64.random(in: 0...1_000_000, using: &generator) * 1000 + UInt64(index)
            deadlines[deadline] = index
            #expect(cte_timers_push(&timers, deadline, jobs[index]) == 0)
        }
        var popped: [UInt64] = []
        while timers.count > 0 {
            let next = cte_timers_next(&timers)
            let job = cte_timers_pop_due(&timers, next)
            #expect(jobs.index(of: job) == deadlines[next])
            popped.append(next)
        }
        #expect(popped == deadlines.keys.sorted())
    }

    @Test func deadlinesBeforeTheClocksStartOrPast64BitsAreClamped() {
        #expect(cte_deadline_ns(2, 500) == 2_000_000_500)
        #expect(cte_deadline_ns(0, 0) == 0)
        #expect(cte_deadline_ns(-3, 999_999_999) == 0, "an instant before the clock's start is due at once")
        #expect(cte_deadline_ns(.max, 0) == UInt64.max, "a deadline past 64 bits of ns never comes")
    }
}
