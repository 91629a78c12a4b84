@_spi(ExperimentalCustomExecutors) @_spi(ExperimentalScheduling) import _Concurrency
import CTaskExecutor

/// Swift 6.3's default executors with ours as the default task executor (`AgentMain` installs it with
/// `_createExecutors` before any task exists). The runtime's enqueue hooks (cte_install) catch what goes
/// through swift_task_enqueueGlobal, but 6.3's Task.sleep asks the default executor directly, as a
/// `SchedulingExecutor`, and libdispatch's would take every sleep to a dispatch timer and a pool worker.
/// The main executor stays the platform's: nothing in the agent runs on the main actor.
struct AgentExecutorFactory: ExecutorFactory {
    static var mainExecutor: any MainExecutor { PlatformExecutorFactory.mainExecutor }
    static var defaultExecutor: any TaskExecutor { AgentTaskExecutor.shared }
}

/// Hands every job, and every delayed job, to Sources/CTaskExecutor's one thread.
final class AgentTaskExecutor: TaskExecutor, SchedulingExecutor, @unchecked Sendable {
    // @unchecked: no state; the C side locks what it keeps.
    static let shared = AgentTaskExecutor()

    func enqueue(_ job: consuming ExecutorJob) {
        cte_enqueue(Self.header(UnownedJob(job)))
    }

    func enqueue<C: Clock>(_ job: consuming ExecutorJob, after delay: C.Duration, tolerance: C.Duration?, clock: C) {
        // ContinuousClock counts through a suspend (CLOCK_BOOTTIME), SuspendingClock does not (CLOCK_MONOTONIC);
        // a clock of another kind is timed on the monotonic clock.
        let continuous = clock is ContinuousClock
        cte_enqueue_after(continuous ? 1 : 0, Self.nanoseconds(delay), Self.header(UnownedJob(job)))
    }

    func enqueue<C: Clock>(_ job: consuming ExecutorJob, at instant: C.Instant, tolerance: C.Duration?, clock: C) {
        enqueue(job, after: clock.now.duration(to: instant), tolerance: tolerance, clock: clock)
    }

    /// A delay in nanoseconds; 0 for one already past, and for a duration type other than `Duration`
    /// (no such clock in the agent), which then runs at once rather than never.
    static func nanoseconds<D: DurationProtocol>(_ delay: D) -> UInt64 {
        guard let duration = delay as? Duration, duration > .zero else { return 0 }
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return .max }
        let (total, past) = whole.addingReportingOverflow(UInt64(attoseconds / 1_000_000_000))
        return past ? .max : total
    }

    private static func header(_ job: UnownedJob) -> UnsafeMutablePointer<cte_job> {
        UnsafeMutablePointer(OpaquePointer(unsafeBitCast(job, to: UnsafeMutableRawPointer.self)))
    }
}
