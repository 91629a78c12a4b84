import API

/// One source of host figures. Each owns whatever it remembers between passes (previous counters for
/// rates) and writes its section of the snapshot; the sampler times it and isolates its failures.
public protocol Collector: AnyObject {
    /// Stable, lowercase; the `collector` label and the name in health.
    var name: String { get }
    func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws
}

/// When a pass happened: monotonic seconds for rates, wall-clock seconds for what is shown.
public struct SampleInstant: Sendable, Equatable {
    public var monotonic: Double
    public var wall: Double

    public init(monotonic: Double, wall: Double) {
        self.monotonic = monotonic
        self.wall = wall
    }
}

/// The written rules for everything computed from two readings of a counter:
/// - the first reading gives no rate;
/// - a counter that went backwards (reboot, driver reset, 32-bit wrap) re-baselines and gives no rate;
/// - no elapsed time gives no rate.
public enum CounterRate {
    public static func perSecond(from previous: UInt64?, to current: UInt64, over seconds: Double) -> Double? {
        guard let previous, current >= previous, seconds > 0 else { return nil }
        return Double(current - previous) / seconds
    }
}
