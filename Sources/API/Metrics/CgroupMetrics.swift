/// The agent's own control group: its limits, what it uses, and how much it is held up.
/// A limit family is absent when the group has no such limit.
public enum CgroupMetrics {
    public static let info = MetricDescriptor(
        "shelteragent_cgroup_info", .gauge, "Always 1; the agent's own control group and its cgroup version.",
        labels: ["path", "version"])
    public static let memoryLimit = MetricDescriptor(
        "shelteragent_cgroup_memory_limit_bytes", .gauge, "The group's memory limit (memory.max).")
    public static let memoryUsage = MetricDescriptor(
        "shelteragent_cgroup_memory_usage_bytes", .gauge, "Memory the group uses (memory.current).")
    public static let cpuLimit = MetricDescriptor(
        "shelteragent_cgroup_cpu_limit_cores", .gauge, "The group's CPU quota in cores (cpu.max quota / period).")
    public static let cpuUsage = MetricDescriptor(
        "shelteragent_cgroup_cpu_usage_seconds_total", .counter, "CPU time the group has used.")
    public static let pressureWaiting = MetricDescriptor(
        "shelteragent_cgroup_pressure_waiting_seconds_total", .counter,
        "Time some of the group's tasks waited for the resource.", labels: ["resource"])
    public static let pressureStalled = MetricDescriptor(
        "shelteragent_cgroup_pressure_stalled_seconds_total", .counter,
        "Time all of the group's tasks were stalled on the resource.", labels: ["resource"])

    static func add(_ cgroup: CgroupSample, to set: inout MetricSet) {
        set.add(info, [cgroup.path, String(cgroup.version)], 1)
        set.add(memoryLimit, [], cgroup.memoryLimitBytes)
        set.add(memoryUsage, [], cgroup.memoryUsageBytes)
        set.add(cpuLimit, [], cgroup.cpuLimitCores)
        set.add(cpuUsage, [], cgroup.cpuUsageSeconds)
        for reading in cgroup.pressure {
            set.add(pressureWaiting, [reading.resource], reading.some.totalSeconds)
            if let full = reading.full { set.add(pressureStalled, [reading.resource], full.totalSeconds) }
        }
    }
}

extension CgroupSample: SnapshotSection {
    public func addMetrics(to set: inout MetricSet) { CgroupMetrics.add(self, to: &set) }

    public func addHistory(to row: inout HistoryRow) {
        row.add("cgroup_memory_usage_bytes", memoryUsageBytes.map { Double($0) })
    }
}
