import HostMetrics
import Logging
import ServiceLifecycle

/// Runs a collection pass every interval on a fixed schedule (no drift; a pass that overran skips the
/// ticks it missed rather than bunching up) and publishes each snapshot. Stops on graceful shutdown.
final class SamplerService<C: Clock>: Service, @unchecked Sendable where C.Duration == Duration {
    // @unchecked: `sampler` is used only from `run()`, which the service group calls once.
    private let sampler: Sampler
    private let store: SnapshotStore
    private let interval: Duration
    private let clock: C

    init(sampler: Sampler, store: SnapshotStore, intervalSeconds: Double, clock: C) {
        self.sampler = sampler
        self.store = store
        self.interval = .milliseconds(Int64((intervalSeconds * 1000).rounded()))
        self.clock = clock
    }

    func run() async throws {
        var next = clock.now
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            store.publish(sampler.sample())
            next = next.advanced(by: interval)
            if next < clock.now { next = clock.now.advanced(by: interval) }
            do {
                try await cancelWhenGracefulShutdown { [clock, next] in try await clock.sleep(until: next, tolerance: nil) }
            } catch {
                return
            }
        }
    }
}
