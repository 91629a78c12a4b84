import API

/// node_exporter's `arp`: neighbour-table entries per network device (every device: node_exporter's
/// `--collector.arp.device-include`/`-exclude` are unset by default).
public final class ARPCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "arp", reads: ["proc/1/net/arp (else proc/net/arp)"], exports: ["node_arp_entries"])

    public static func make(_ context: CollectorContext) -> any Collector { ARPCollector(proc: context.roots.proc) }

    static let entries = MetricDescriptor("node_arp_entries", .gauge, "Entries in the ARP table, per device.", labels: ["device"])

    private let proc: KeptFiles

    public init(proc: FileTree) {
        self.proc = KeptFiles(proc)
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        if let bytes = try HostNetFiles.readIfPresent(proc, "arp") {
            for entry in try NetARP.parse(bytes).entries { samples.add(Self.entries, [entry.device], entry.count) }
        }
        snapshot.setSection(name, samples)
    }
}
