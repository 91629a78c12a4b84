#if canImport(Glibc)
    import Glibc
#endif
import API
import CSystemCalls
import HostMetrics
import ServiceLifecycle
import Synchronization

/// Runs a collection pass every interval on a fixed schedule (no drift; a pass that overran skips the
/// ticks it missed rather than bunching up) and publishes each snapshot. The first pass is the caller's,
/// before the endpoint opens, so there is always a snapshot to serve. Stops on graceful shutdown.
///
/// The passes run on a thread of their own that sleeps in poll(2) until the next tick. A pass is blocking
/// file reads, and waking a task of the cooperative pool for it went through Dispatch's timer thread and a
/// worker hand-off: measured here, 7 wake-ups and about 0.4 ms of CPU per pass, a sixth of an idle
/// agent's whole cost, where one timed poll wakes once.
final class SamplerService: Service, @unchecked Sendable {
    // @unchecked: `sampler` is used only by the sampling thread; the stop pipe is written from any thread.
    private let sampler: Sampler
    private let store: SnapshotStore
    private let intervalNanoseconds: Int64
    /// Runs before a snapshot is published: the spool's append, so a sample is on disk before it counts.
    private let record: @Sendable (Snapshot) -> Void
    /// A byte written to the pipe's end 1 wakes the sleeping thread to stop.
    private let stopPipe: (read: Int32, write: Int32)
    /// Also checked at every tick, in case the pipe could not be made.
    private let stopping = Atomic(false)

    /// Runs after a snapshot is published: the event streams.
    private let published: @Sendable (Snapshot) -> Void
    /// Runs after each pass, on the sampling thread: housekeeping that must stay off the request path.
    private let afterPass: @Sendable () -> Void

    init(
        sampler: Sampler, store: SnapshotStore, intervalSeconds: Double, record: @escaping @Sendable (Snapshot) -> Void,
        published: @escaping @Sendable (Snapshot) -> Void = { _ in }, afterPass: @escaping @Sendable () -> Void = {}
    ) {
        self.published = published
        self.afterPass = afterPass
        self.sampler = sampler
        self.store = store
        self.record = record
        self.intervalNanoseconds = Int64((intervalSeconds * 1e9).rounded())
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        }
        self.stopPipe = (ends[0], ends[1])
    }

    deinit {
        close(stopPipe.read)
        close(stopPipe.write)
    }

    func run() async throws {
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
                    startThread { finished.resume() }
                }
            } onGracefulShutdown: {
                self.stop()
            }
        } onCancel: {
            self.stop()
        }
    }

    private func stop() {
        stopping.store(true, ordering: .relaxed)
        var byte: UInt8 = 1
        _ = write(stopPipe.write, &byte, 1)
    }

    private func startThread(_ finished: @escaping @Sendable () -> Void) {
        let started = DetachedThread.start { [self] in
            // Signals belong to the signal thread (SignalThread), never to this one.
            var all = sigset_t()
            sigfillset(&all)
            pthread_sigmask(SIG_BLOCK, &all, nil)
            // So top -H and /proc/PID/task/TID/comm tell the passes' CPU apart from the server's.
            _ = csc_name_this_thread("sampler")
            loop()
            finished()
        }
        if !started {
            // No thread to be had: run the passes here instead, on a cooperative thread, as a last resort.
            loop()
            finished()
        }
    }

    private func loop() {
        var next = Self.monotonicNanoseconds() + intervalNanoseconds
        while sleep(until: next) {
            let snapshot = sampler.sample()
            record(snapshot)
            store.publish(snapshot)
            published(snapshot)
            afterPass()
            next += intervalNanoseconds
            let now = Self.monotonicNanoseconds()
            if next < now { next = now + intervalNanoseconds }
        }
    }

    /// false once stop() was called.
    private func sleep(until deadline: Int64) -> Bool {
        var descriptor = pollfd(fd: stopPipe.read, events: Int16(POLLIN), revents: 0)
        while true {
            if stopping.load(ordering: .relaxed) { return false }
            let left = deadline - Self.monotonicNanoseconds()
            if left <= 0 { return true }
            // Rounded up, so a wake a little early does not turn into a busy second poll.
            let milliseconds = Int32(clamping: (left + 999_999) / 1_000_000)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready > 0 { return false }
            if ready < 0 && errno != EINTR { return false }
        }
    }

    private static func monotonicNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}
