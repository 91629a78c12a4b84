/// CPU families: node_exporter's names and labels where it has them, `shelteragent_` for the rest.
public enum CPUMetrics {
    public static let seconds = MetricDescriptor(
        "node_cpu_seconds_total", .counter, "Seconds the CPUs spent in each mode.", labels: ["cpu", "mode"])
    public static let guestSeconds = MetricDescriptor(
        "node_cpu_guest_seconds_total", .counter, "Seconds the CPUs spent in guests (VMs) for each mode.",
        labels: ["cpu", "mode"])
    public static let load1 = MetricDescriptor("node_load1", .gauge, "1m load average.")
    public static let load5 = MetricDescriptor("node_load5", .gauge, "5m load average.")
    public static let load15 = MetricDescriptor("node_load15", .gauge, "15m load average.")
    public static let bootTime = MetricDescriptor("node_boot_time_seconds", .gauge, "Node boot time, in unixtime.")
    public static let contextSwitches = MetricDescriptor(
        "node_context_switches_total", .counter, "Total number of context switches.")
    public static let forks = MetricDescriptor("node_forks_total", .counter, "Total number of forks.")
    public static let interrupts = MetricDescriptor("node_intr_total", .counter, "Total number of interrupts serviced.")
    public static let procsRunning = MetricDescriptor(
        "node_procs_running", .gauge, "Number of processes in runnable state.")
    public static let procsBlocked = MetricDescriptor(
        "node_procs_blocked", .gauge, "Number of processes blocked waiting for I/O to complete.")
    public static let usage = MetricDescriptor(
        "shelteragent_cpu_usage_ratio", .gauge,
        "Busy share of all CPUs over the last collection interval, 0 to 1 (psutil's cpu_percent / 100).")
    public static let coreUsage = MetricDescriptor(
        "shelteragent_cpu_core_usage_ratio", .gauge,
        "Busy share of one CPU over the last collection interval, 0 to 1.", labels: ["cpu"])
    public static let cores = MetricDescriptor("shelteragent_cpu_cores", .gauge, "Logical CPUs online.")

    static func add(_ cpu: CPUSample, to set: inout MetricSet) {
        for times in cpu.perCoreTimes {
            let modes: [(String, Double)] = [
                ("idle", times.idle), ("iowait", times.iowait), ("irq", times.irq), ("nice", times.nice),
                ("softirq", times.softirq), ("steal", times.steal), ("system", times.system), ("user", times.user),
            ]
            for (mode, value) in modes { set.add(seconds, [times.cpu, mode], value) }
            set.add(guestSeconds, [times.cpu, "nice"], times.guestNice)
            set.add(guestSeconds, [times.cpu, "user"], times.guest)
        }
        if let load = cpu.loadAverage, load.count == 3 {
            set.add(load1, [], load[0])
            set.add(load5, [], load[1])
            set.add(load15, [], load[2])
        }
        set.add(bootTime, [], cpu.kernel.bootTimeSeconds)
        set.add(contextSwitches, [], cpu.kernel.contextSwitches)
        set.add(forks, [], cpu.kernel.forks)
        set.add(interrupts, [], cpu.kernel.interrupts)
        set.add(procsRunning, [], cpu.kernel.procsRunning)
        set.add(procsBlocked, [], cpu.kernel.procsBlocked)
        set.add(usage, [], cpu.usagePercent.map { $0 / 100 })
        for (position, percent) in cpu.perCorePercent.enumerated() where position < cpu.perCoreTimes.count {
            set.add(coreUsage, [cpu.perCoreTimes[position].cpu], percent.map { $0 / 100 })
        }
        set.add(cores, [], cpu.cores)
    }
}

extension CPUSample: SnapshotSection {
    public func addMetrics(to set: inout MetricSet) { CPUMetrics.add(self, to: &set) }

    public func addHistory(to row: inout HistoryRow) {
        row.add("cpu_percent", usagePercent)
        for (position, percent) in perCorePercent.enumerated() where position < perCoreTimes.count {
            row.add("cpu_core_percent:\(perCoreTimes[position].cpu)", percent)
        }
        if let loadAverage, loadAverage.count == 3 {
            row.add("load1", loadAverage[0])
            row.add("load5", loadAverage[1])
            row.add("load15", loadAverage[2])
        }
    }
}
