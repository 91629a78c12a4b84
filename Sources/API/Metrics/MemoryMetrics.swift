/// Memory families: every /proc/meminfo field as node_exporter names it, plus psutil-style usage.
public enum MemoryMetrics {
    public static let usage = MetricDescriptor(
        "shelteragent_memory_usage_ratio", .gauge,
        "(total - available) / total, 0 to 1 (psutil's virtual_memory().percent / 100).")
    public static let used = MetricDescriptor(
        "shelteragent_memory_used_bytes", .gauge, "total - available, as psutil computes it.")
    public static let swapUsage = MetricDescriptor(
        "shelteragent_swap_usage_ratio", .gauge, "Used share of swap, 0 to 1 (0 without swap).")

    /// node_exporter's name for a meminfo field: `Active(file)` → `node_memory_Active_file_bytes`.
    public static func descriptor(for field: MemInfoField) -> MetricDescriptor {
        var name = ""
        for character in field.name {
            switch character {
            case "(", ")": if !name.hasSuffix("_") { name.append("_") }
            default: name.append(character)
            }
        }
        while name.hasSuffix("_") { name.removeLast() }
        let suffix = field.isBytes ? "_bytes" : ""
        return MetricDescriptor(
            "node_memory_\(name)\(suffix)", .gauge, "Memory information field \(name)\(suffix).")
    }

    static func add(_ memory: MemorySample, to set: inout MetricSet) {
        for field in memory.meminfo { set.add(descriptor(for: field), [], field.value) }
        set.add(usage, [], memory.usagePercent / 100)
        set.add(used, [], memory.usedBytes)
        set.add(swapUsage, [], memory.swapUsagePercent / 100)
    }
}

extension MemorySample: SnapshotSection {
    public func addMetrics(to set: inout MetricSet) { MemoryMetrics.add(self, to: &set) }

    public func addHistory(to row: inout HistoryRow) {
        row.add("memory_percent", usagePercent)
        row.add("memory_used_bytes", Double(usedBytes))
        row.add("memory_available_bytes", Double(availableBytes))
        row.add("swap_percent", swapUsagePercent)
        row.add("swap_used_bytes", Double(swapUsedBytes))
    }
}
