/// Everything one collection pass saw, frozen: every reader (endpoint, pusher) reads one of these and a
/// scrape never triggers collection. A `nil` section means its collector failed on this pass; the
/// matching `collectors` entry says why.
public struct Snapshot: Sendable {
    /// Increases by one per pass; renderers cache their output per sequence number.
    public var sequence: UInt64
    /// Wall-clock time the pass started, seconds since the Unix epoch.
    public var timestamp: Double
    public var hostname: String
    public var cpu: CPUSample?
    public var memory: MemorySample?
    public var filesystems: FilesystemSample?
    public var diskIO: DiskIOSample?
    public var network: NetworkSample?
    public var processes: ProcessTable?
    /// Host-wide pressure stall information from /proc/pressure; empty on kernels without PSI.
    public var pressure: [PressureSample]?
    /// The agent's own control group.
    public var cgroup: CgroupSample?
    public var collectors: [CollectorStatus]

    public init(sequence: UInt64, timestamp: Double, hostname: String) {
        self.sequence = sequence
        self.timestamp = timestamp
        self.hostname = hostname
        self.collectors = []
    }

    /// The same snapshot without its process table: what the history ring keeps, so an hour of history
    /// costs kilobytes per entry rather than the process list's tens.
    public var withoutProcesses: Snapshot {
        var copy = self
        copy.processes = nil
        return copy
    }
}

/// How one collector fared on one pass; exported as `shelteragent_collector_*` and in health.
public struct CollectorStatus: Sendable, Equatable {
    public var name: String
    public var success: Bool
    public var durationSeconds: Double
    /// Why it failed, quoting the file and line where there is one.
    public var error: String?

    public init(name: String, success: Bool, durationSeconds: Double, error: String? = nil) {
        self.name = name
        self.success = success
        self.durationSeconds = durationSeconds
        self.error = error
    }
}
