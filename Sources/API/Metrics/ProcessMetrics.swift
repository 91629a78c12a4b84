/// Process families: bounded to the detailed top N, labelled by pid, name and user only (a command line
/// label would make every restart a new series and could leak arguments).
public enum ProcessMetrics {
    static let labels = ["pid", "name", "user"]
    public static let count = MetricDescriptor("shelteragent_processes", .gauge, "Processes on the host.")
    public static let cpuUsage = MetricDescriptor(
        "shelteragent_process_cpu_usage_ratio", .gauge,
        "Share of one CPU used by the process over the last collection interval (above 1 on several cores).",
        labels: labels)
    public static let cpuSeconds = MetricDescriptor(
        "shelteragent_process_cpu_seconds_total", .counter, "User and system CPU time of the process.",
        labels: labels)
    public static let resident = MetricDescriptor(
        "shelteragent_process_resident_memory_bytes", .gauge, "Resident memory of the process.", labels: labels)
    public static let readBytes = MetricDescriptor(
        "shelteragent_process_read_bytes_total", .counter,
        "Bytes the process caused to be read from storage (/proc/PID/io read_bytes).", labels: labels)
    public static let writtenBytes = MetricDescriptor(
        "shelteragent_process_written_bytes_total", .counter,
        "Bytes the process caused to be written to storage (/proc/PID/io write_bytes).", labels: labels)

    static func add(_ table: ProcessTable, to set: inout MetricSet) {
        set.add(count, [], table.totalCount)
        for process in table.processes {
            let labels = [String(process.pid), process.name, process.user ?? ""]
            set.add(cpuUsage, labels, process.cpuPercent.map { $0 / 100 })
            set.add(cpuSeconds, labels, process.cpuSecondsTotal)
            set.add(resident, labels, process.memoryBytes)
            set.add(readBytes, labels, process.diskReadBytes)
            set.add(writtenBytes, labels, process.diskWriteBytes)
        }
    }
}

// The process table is the one section history leaves out: it is most of a snapshot's size.
extension ProcessTable: SnapshotSection {
    public func addMetrics(to set: inout MetricSet) { ProcessMetrics.add(self, to: &set) }
}
