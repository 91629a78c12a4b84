/// Everything one collection pass saw, frozen: every reader (endpoint, pusher) reads one of these. The
/// collectors read only when asked for (`CollectorCadence.whenRead`) add their sections to it on the first
/// such request after the pass (`adding`). Each collector writes one section under its name; a missing section
/// means its collector failed on this pass (the matching `collectors` entry says why) or had nothing to
/// report on this host.
public struct Snapshot: Sendable {
    /// Increases by one per pass; renderers cache their output per sequence number.
    public var sequence: UInt64
    /// Wall-clock time the pass started, seconds since the Unix epoch.
    public var timestamp: Double
    public var hostname: String
    /// In the order the collectors ran.
    public private(set) var sections: [NamedSection] = []
    public var collectors: [CollectorStatus]

    public init(sequence: UInt64, timestamp: Double, hostname: String) {
        self.sequence = sequence
        self.timestamp = timestamp
        self.hostname = hostname
        self.collectors = []
    }

    public func section<T: SnapshotSection>(_ collector: String, as type: T.Type = T.self) -> T? {
        sections.first { $0.collector == collector }?.section as? T
    }

    /// Replaces the collector's section; `nil` removes it.
    public mutating func setSection(_ collector: String, _ section: (any SnapshotSection)?) {
        if let at = sections.firstIndex(where: { $0.collector == collector }) {
            if let section { sections[at].section = section } else { sections.remove(at: at) }
        } else if let section {
            sections.append(NamedSection(collector: collector, section: section))
        }
    }

    /// This pass's snapshot with sections read apart from it (the collectors read only when asked for)
    /// after its own, and how their collectors fared.
    public func adding(_ others: [NamedSection], statuses: [CollectorStatus]) -> Snapshot {
        var whole = self
        whole.sections += others
        whole.collectors += statuses
        return whole
    }

    /// The figures every section adds to the history, for this pass.
    public var historyRow: HistoryRow {
        var row = HistoryRow()
        for entry in sections { entry.section.addHistory(to: &row) }
        return row
    }
}

// The sections the pages, the dashboard push and the host-view check read by type.
extension Snapshot {
    public var cpu: CPUSample? {
        get { section("cpu") }
        set { setSection("cpu", newValue) }
    }
    public var memory: MemorySample? {
        get { section("memory") }
        set { setSection("memory", newValue) }
    }
    public var filesystems: FilesystemSample? {
        get { section("filesystem") }
        set { setSection("filesystem", newValue) }
    }
    public var diskIO: DiskIOSample? {
        get { section("diskstats") }
        set { setSection("diskstats", newValue) }
    }
    public var network: NetworkSample? {
        get { section("netdev") }
        set { setSection("netdev", newValue) }
    }
    public var processes: ProcessTable? {
        get { section("processes") }
        set { setSection("processes", newValue) }
    }
    /// Host-wide pressure stall information from /proc/pressure; empty on kernels without PSI.
    public var pressure: [PressureSample]? {
        get { section("pressure", as: PressureReadings.self)?.readings }
        set { setSection("pressure", newValue.map(PressureReadings.init)) }
    }
    /// The agent's own control group.
    public var cgroup: CgroupSample? {
        get { section("cgroup") }
        set { setSection("cgroup", newValue) }
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
