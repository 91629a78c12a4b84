import API

/// node_exporter's `schedstat`: per CPU, the time tasks ran on it, the time runnable tasks waited for it
/// (run-queue latency: CPU saturation that usage alone does not show) and the timeslices it ran. Kernels
/// built without CONFIG_SCHEDSTATS have no /proc/schedstat, and the section is empty.
public final class SchedstatCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "schedstat", recheckWhenAbsent: 60, reads: ["proc/schedstat"],
        exports: ["node_schedstat_running_seconds_total", "node_schedstat_waiting_seconds_total", "node_schedstat_timeslices_total"])

    public static func make(_ context: CollectorContext) -> any Collector { SchedstatCollector(proc: context.roots.proc) }

    static let running = MetricDescriptor(
        "node_schedstat_running_seconds_total", .counter, "Seconds tasks spent running on the CPU.", labels: ["cpu"])
    static let waiting = MetricDescriptor(
        "node_schedstat_waiting_seconds_total", .counter, "Seconds runnable tasks spent waiting for the CPU.", labels: ["cpu"])
    static let timeslices = MetricDescriptor(
        "node_schedstat_timeslices_total", .counter, "Timeslices the CPU ran.", labels: ["cpu"])

    private let proc: KeptFiles

    public init(proc: FileTree) {
        self.proc = KeptFiles(proc)
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        if let bytes = try proc.readIfPresent("schedstat") {
            for cpu in try Schedstat.parse(bytes).cpus {
                samples.add(Self.running, [cpu.cpu], Double(cpu.runningNanoseconds) / 1e9)
                samples.add(Self.waiting, [cpu.cpu], Double(cpu.waitingNanoseconds) / 1e9)
                samples.add(Self.timeslices, [cpu.cpu], cpu.timeslices)
            }
        }
        snapshot.setSection(name, samples)
    }
}
