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
    /// Per collector, how long a pass that found nothing lets it rest (`CollectorInfo.recheckWhenAbsent`).
    private let restWhenAbsent: [Double?]
    /// Collectors resting after finding nothing, until this monotonic time.
    private var absentUntil: [String: Double] = [:]

    /// The collectors this sampler runs, in order.
    public var collectorNames: [String] { collectors.map(\.name) }

    public init(collectors: [any Collector], hostname: String, logger: Logger) {
        self.collectors = collectors
        self.hostname = hostname
        self.logger = logger
        restWhenAbsent = collectors.map { collector in
            (collector as? any RegisteredCollector).flatMap { type(of: $0).info.recheckWhenAbsent }
        }
    }

    public func sample(at instant: SampleInstant = HostClock.now()) -> Snapshot {
        sequence += 1
        var snapshot = Snapshot(sequence: sequence, timestamp: instant.wall, hostname: hostname)
        for (position, collector) in collectors.enumerated() {
            if let until = absentUntil[collector.name], instant.monotonic < until {
                snapshot.setSection(collector.name, MetricSamples())
                snapshot.collectors.append(CollectorStatus(name: collector.name, success: true, durationSeconds: 0))
                continue
            }
            let started = HostClock.monotonic()
            var failure: String?
            do {
                try collector.collect(into: &snapshot, at: instant)
            } catch {
                failure = String(describing: error)
            }
            let duration = HostClock.monotonic() - started
            if let rest = restWhenAbsent[position], failure == nil, Self.foundNothing(snapshot, collector.name) {
                absentUntil[collector.name] = instant.monotonic + rest
            } else {
                absentUntil[collector.name] = nil
            }
            snapshot.collectors.append(
                CollectorStatus(name: collector.name, success: failure == nil, durationSeconds: duration, error: failure))
            noteStateChange(collector.name, failure: failure)
        }
        return snapshot
    }

    static func foundNothing(_ snapshot: Snapshot, _ name: String) -> Bool {
        guard let entry = snapshot.sections.first(where: { $0.collector == name }) else { return true }
        return (entry.section as? MetricSamples)?.samples.isEmpty ?? false
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
