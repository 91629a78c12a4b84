import API

/// node_exporter's `softnet`: per CPU, packets the receive softirq processed, packets dropped because the
/// backlog was full, and times it stopped with work left: the signs that a CPU cannot keep up with receive.
public final class SoftnetCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "softnet", reads: ["proc/1/net/softnet_stat (else proc/net/softnet_stat)"],
        exports: ["node_softnet_processed_total", "node_softnet_dropped_total", "node_softnet_times_squeezed_total"])

    public static func make(_ context: CollectorContext) -> any Collector { SoftnetCollector(proc: context.roots.proc) }

    static let processed = MetricDescriptor(
        "node_softnet_processed_total", .counter, "Packets the receive softirq processed.", labels: ["cpu"])
    static let dropped = MetricDescriptor(
        "node_softnet_dropped_total", .counter, "Packets dropped because the CPU's backlog was full.", labels: ["cpu"])
    static let timesSqueezed = MetricDescriptor(
        "node_softnet_times_squeezed_total", .counter, "Times the receive softirq ran out of budget with packets left.",
        labels: ["cpu"])

    private let proc: KeptFiles

    public init(proc: FileTree) {
        self.proc = KeptFiles(proc)
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        if let bytes = try HostNetFiles.readIfPresent(proc, "softnet_stat") {
            // node_exporter 1.5.0 labels each line by its position, not by the CPU number newer kernels
            // print in column 13; the two differ only while a CPU is offline.
            for (position, row) in try SoftnetStat.parse(bytes).rows.enumerated() {
                let cpu = [String(position)]
                samples.add(Self.processed, cpu, row.processed)
                samples.add(Self.dropped, cpu, row.dropped)
                samples.add(Self.timesSqueezed, cpu, row.timeSqueezed)
            }
        }
        snapshot.setSection(name, samples)
    }
}
