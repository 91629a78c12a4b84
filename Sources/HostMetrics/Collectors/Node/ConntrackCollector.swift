import API

/// node_exporter's `conntrack`: how full the connection-tracking table is (what the "conntrack limit"
/// alert divides) and its event counters summed over CPUs. Without nf_conntrack loaded none of the files
/// exist and the section is empty.
public final class ConntrackCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "conntrack", recheckWhenAbsent: 60,
        reads: [
            "proc/sys/net/netfilter/nf_conntrack_count", "proc/sys/net/netfilter/nf_conntrack_max",
            "proc/1/net/stat/nf_conntrack (else proc/net/stat/nf_conntrack)",
        ],
        exports: ["node_nf_conntrack_entries", "node_nf_conntrack_entries_limit", "node_nf_conntrack_stat_*"])

    public static func make(_ context: CollectorContext) -> any Collector { ConntrackCollector(proc: context.roots.proc) }

    static let entries = MetricDescriptor("node_nf_conntrack_entries", .gauge, "Connections the conntrack table holds.")
    static let limit = MetricDescriptor("node_nf_conntrack_entries_limit", .gauge, "Most connections the conntrack table holds.")
    /// The nf_conntrack columns node_exporter exports, with what each counts; gauges there, so gauges here.
    static let stats: [(column: String, descriptor: MetricDescriptor)] = [
        ("found", "Lookups that found an entry."),
        ("invalid", "Packets that could not be tracked."),
        ("ignore", "Packets already attached to an entry."),
        ("insert", "Entries inserted."),
        ("insert_failed", "Insertions that failed (the entry was already there)."),
        ("drop", "Packets dropped because tracking failed."),
        ("early_drop", "Entries dropped to make room while the table was full."),
        ("search_restart", "Lookups restarted because the table was resized."),
    ].map { column, help in (column, MetricDescriptor("node_nf_conntrack_stat_" + column, .gauge, help)) }

    private let proc: KeptFiles

    public init(proc: FileTree) {
        self.proc = KeptFiles(proc)
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        for (file, descriptor) in [("nf_conntrack_count", Self.entries), ("nf_conntrack_max", Self.limit)] {
            let relative = "sys/net/netfilter/" + file
            guard let bytes = try proc.readIfPresent(relative) else { continue }
            samples.add(descriptor, [], try SysctlNumber.parse(bytes, file: relative).value)
        }
        if let bytes = try HostNetFiles.readIfPresent(proc, "stat/nf_conntrack") {
            let stat = try ConntrackStat.parse(bytes)
            for (column, descriptor) in Self.stats { samples.add(descriptor, [], stat.total(column)) }
        }
        if let entries = samples.value("node_nf_conntrack_entries") {
            samples.summarize("conntrack_entries", entries)
            samples.summarize("conntrack_limit", family: "node_nf_conntrack_entries_limit")
        }
        snapshot.setSection(name, samples)
    }
}
