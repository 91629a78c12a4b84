import API
import Testing

@testable import HostMetrics

/// node_exporter's `stat` collector has no collector of its own here: its families come from /proc/stat,
/// which `cpu` reads anyway. Its default output (softirqs only with `--collector.stat.softirq`) is these
/// six, under the same names and types.
@Suite struct StatFamiliesTests {
    static let nodeExporterStat: [String: MetricType] = [
        "node_intr_total": .counter, "node_context_switches_total": .counter, "node_forks_total": .counter,
        "node_boot_time_seconds": .gauge, "node_procs_running": .gauge, "node_procs_blocked": .gauge,
    ]

    @Test func cpuExportsTheStatCollectorsFamilies() throws {
        var snapshot = Snapshot(sequence: 1, timestamp: 0, hostname: "fixture")
        try CPUCollector(proc: Fixtures.host.proc, ticksPerSecond: 100).collect(into: &snapshot, at: SampleInstant(monotonic: 1, wall: 1))
        var set = MetricSet()
        try #require(snapshot.cpu).addMetrics(to: &set)
        let stat = try ProcStat.parse(try Fixtures.bytes("host/proc/stat"))
        let families = Dictionary(uniqueKeysWithValues: set.sortedFamilies.map { ($0.descriptor.name, $0) })
        for (name, type) in Self.nodeExporterStat {
            let family = try #require(families[name], "\(name)")
            #expect(family.descriptor.type == type && family.descriptor.labels.isEmpty && family.samples.count == 1, "\(name)")
        }
        #expect(families["node_intr_total"]?.samples.first?.value == stat.interrupts.map { Double($0) })
        #expect(families["node_context_switches_total"]?.samples.first?.value == stat.contextSwitches.map { Double($0) })
        #expect(families["node_softirqs_total"] == nil, "not in node_exporter's default output")
    }
}
