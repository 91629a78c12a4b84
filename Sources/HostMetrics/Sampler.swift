import API
import Logging

/// Runs every collector once per pass into one snapshot. Each collector is timed and isolated: one that
/// throws leaves its section empty and its status failed, and the others carry on. Failures are logged
/// when a collector starts failing and when it recovers, never on every pass.
public final class Sampler {
    private let collectors: [any Collector]
    public let hostname: String
    private let logger: Logger
    private var sequence: UInt64 = 0
    private var failing: [String: String] = [:]

    /// The collectors this sampler runs, in order.
    public var collectorNames: [String] { collectors.map(\.name) }

    public init(collectors: [any Collector], hostname: String, logger: Logger) {
        self.collectors = collectors
        self.hostname = hostname
        self.logger = logger
    }

    public func sample(at instant: SampleInstant = HostClock.now()) -> Snapshot {
        sequence += 1
        var snapshot = Snapshot(sequence: sequence, timestamp: instant.wall, hostname: hostname)
        for collector in collectors {
            let started = HostClock.monotonic()
            var failure: String?
            do {
                try collector.collect(into: &snapshot, at: instant)
            } catch {
                failure = String(describing: error)
            }
            let duration = HostClock.monotonic() - started
            snapshot.collectors.append(
                CollectorStatus(name: collector.name, success: failure == nil, durationSeconds: duration, error: failure))
            noteStateChange(collector.name, failure: failure)
        }
        return snapshot
    }

    private func noteStateChange(_ name: String, failure: String?) {
        switch (failing[name], failure) {
        case (nil, let message?):
            logger.warning("collector \(name) started failing: \(message)")
            failing[name] = message
        case (_?, nil):
            logger.info("collector \(name) recovered")
            failing[name] = nil
        default:
            break
        }
    }
}
