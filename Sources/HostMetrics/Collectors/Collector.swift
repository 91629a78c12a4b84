import API

/// One source of host figures. Each owns whatever it remembers between passes (previous counters for
/// rates) and writes its section of the snapshot; the sampler times it and isolates its failures.
public protocol Collector: AnyObject {
    /// Stable, lowercase; the `collector` label, the snapshot section's key and the name in health.
    var name: String { get }
    func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws
}

/// A collector the agent ships: it declares itself, and `StandardCollectors` lists it.
/// Its metatype is shared by every thread that reads the registry, hence `SendableMetatype`.
public protocol RegisteredCollector: Collector, SendableMetatype {
    /// What it is, for the registry, `collect[]`, health and the docs.
    static var info: CollectorInfo { get }
    /// Builds one for the agent's roots and settings; the registry calls this.
    static func make(_ context: CollectorContext) -> any Collector
}

extension RegisteredCollector {
    public var name: String { Self.info.name }
}

/// A collector's declaration: its name, what it reads and what it exports.
public struct CollectorInfo: Sendable {
    public let name: String
    /// Where it reads, as `proc/stat`, `sys/class/net/*/mtu`, `rootfs/etc/os-release` or `syscall adjtimex`.
    public let reads: [String]
    /// The families it adds to `/metrics`; a trailing `*` stands for any suffix (meminfo's fields). A test
    /// renders the captured host and checks every family against its collector's list.
    public let exports: [String]
    /// For a source most hosts lack (RAID, NVMe, hwmon, conntrack, …): once a pass found nothing, the
    /// sampler looks again only after this many seconds, so a VM does not pay some 20 directory walks a
    /// pass for hardware it has not got (80 µs of a 1.2 ms pass here); hardware that appears shows within it.
    public let recheckWhenAbsent: Double?
    /// Whether it runs on every pass or only when its families are asked for.
    public let cadence: CollectorCadence

    public init(
        name: String, cadence: CollectorCadence = .whenRead, recheckWhenAbsent: Double? = nil, reads: [String],
        exports: [String]
    ) {
        self.name = name
        self.cadence = cadence
        self.recheckWhenAbsent = recheckWhenAbsent
        self.reads = reads
        self.exports = exports
    }

    /// Whether `family` is one this collector declares.
    public func declares(_ family: String) -> Bool {
        exports.contains { pattern in
            pattern.hasSuffix("*") ? family.hasPrefix(pattern.dropLast()) : family == pattern
        }
    }
}

/// When a collector reads the host.
public enum CollectorCadence: Sendable, Equatable {
    /// On every pass: the history, the dashboard push or the live page use its section.
    case everyPass
    /// Only for a reader that shows its families (a scrape, the JSON snapshot, a stream of whole snapshots,
    /// remote write), at most once per pass, as node_exporter reads at scrape: most of node_exporter's
    /// families are kernel counters that no chart or push uses, and reading them on every pass cost 0.5 ms
    /// of a 1.5 ms pass here while a 15 s scrape shows one pass in three.
    case whenRead
}

/// What collectors are built from: where the host's trees are and the settings that shape them.
public struct CollectorContext: Sendable {
    public var roots: HostRoots
    public var processTopN: Int
    public var scrubber: CommandLineScrubber
    public var ticksPerSecond: Double
    public var pageSize: UInt64
    /// node_exporter's `--collector.textfile.directory`; nil turns the textfile collector off.
    public var textfileDirectory: String?

    public init(
        roots: HostRoots, processTopN: Int = 50, scrubber: CommandLineScrubber = CommandLineScrubber(),
        ticksPerSecond: Double = KernelConstants.ticksPerSecond, pageSize: UInt64 = KernelConstants.pageSize,
        textfileDirectory: String? = nil
    ) {
        self.roots = roots
        self.processTopN = processTopN
        self.scrubber = scrubber
        self.ticksPerSecond = ticksPerSecond
        self.pageSize = pageSize
        self.textfileDirectory = textfileDirectory
    }
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
/// Every collector that derives a rate or a share from counters (CPU, processes, disks, interfaces) goes
/// through these, so the rules hold in one place.
public enum CounterRate {
    /// How far a counter moved; `nil` without a previous reading or when it went backwards.
    public static func delta(from previous: UInt64?, to current: UInt64) -> UInt64? {
        guard let previous, current >= previous else { return nil }
        return current - previous
    }

    public static func perSecond(from previous: UInt64?, to current: UInt64, over seconds: Double) -> Double? {
        guard let moved = delta(from: previous, to: current), seconds > 0 else { return nil }
        return Double(moved) / seconds
    }
}
