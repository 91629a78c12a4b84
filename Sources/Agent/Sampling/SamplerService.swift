import API
import HostMetrics
import Logging
import ServiceLifecycle

/// Runs a collection pass every interval on a fixed schedule (no drift; a pass that overran skips the
/// ticks it missed rather than bunching up) and publishes each snapshot. The first pass is the caller's,
/// before the endpoint opens, so there is always a snapshot to serve. Stops on graceful shutdown.
final class SamplerService<C: Clock>: Service, @unchecked Sendable where C.Duration == Duration {
    // @unchecked: `sampler` is used only from `run()`, which the service group calls once.
    private let sampler: Sampler
    private let store: SnapshotStore
    private let interval: Duration
    private let clock: C
    /// Runs before a snapshot is published: the spool's append, so a sample is on disk before it counts.
    private let record: @Sendable (Snapshot) -> Void

    init(sampler: Sampler, store: SnapshotStore, intervalSeconds: Double, clock: C, record: @escaping @Sendable (Snapshot) -> Void) {
        self.sampler = sampler
        self.store = store
        self.record = record
        self.interval = .milliseconds(Int64((intervalSeconds * 1000).rounded()))
        self.clock = clock
    }

    func run() async throws {
        var next = clock.now.advanced(by: interval)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { [clock, next] in try await clock.sleep(until: next, tolerance: nil) }
            } catch {
                return
            }
            let snapshot = sampler.sample()
            record(snapshot)
            store.publish(snapshot)
            next = next.advanced(by: interval)
            if next < clock.now { next = clock.now.advanced(by: interval) }
        }
    }
}
