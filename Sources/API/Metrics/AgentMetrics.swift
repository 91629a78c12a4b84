/// The agent's own families: what it is and how its collectors fare.
public enum AgentMetrics {
    public static let buildInfo = MetricDescriptor(
        "shelteragent_build_info", .gauge, "Always 1; the agent's version as a label.", labels: ["version"])
    public static let startTime = MetricDescriptor(
        "shelteragent_start_time_seconds", .gauge, "When the agent started, in unixtime.")
    public static let lastCollection = MetricDescriptor(
        "shelteragent_last_collection_timestamp_seconds", .gauge,
        "When the snapshot served here was collected, in unixtime.")
    public static let collectorSuccess = MetricDescriptor(
        "shelteragent_collector_success", .gauge, "1 if the collector succeeded on the last pass, 0 if it failed.",
        labels: ["collector"])
    public static let collectorDuration = MetricDescriptor(
        "shelteragent_collector_duration_seconds", .gauge, "How long the collector took on the last pass.",
        labels: ["collector"])
}

/// Facts about the running agent that are not part of a snapshot.
public struct AgentInfo: Sendable {
    public var version: String
    public var startTime: Double
    /// Seconds between collections; health calls a snapshot stale after three of them.
    public var collectionInterval: Double
    /// How many processes `/api/v1/processes` returns when no `limit` is given.
    public var defaultProcessLimit: Int

    public init(version: String, startTime: Double, collectionInterval: Double, defaultProcessLimit: Int) {
        self.version = version
        self.startTime = startTime
        self.collectionInterval = collectionInterval
        self.defaultProcessLimit = defaultProcessLimit
    }
}

/// `/metrics`: one snapshot in the Prometheus text format.
public enum MetricsPage {
    public static func render(_ snapshot: Snapshot?, agent: AgentInfo) -> [UInt8] {
        var set = MetricSet()
        set.add(AgentMetrics.buildInfo, [agent.version], 1)
        set.add(AgentMetrics.startTime, [], agent.startTime)
        if let snapshot {
            set.add(AgentMetrics.lastCollection, [], snapshot.timestamp)
            for status in snapshot.collectors {
                set.add(AgentMetrics.collectorSuccess, [status.name], status.success ? 1 : 0)
                set.add(AgentMetrics.collectorDuration, [status.name], status.durationSeconds)
            }
            if let cpu = snapshot.cpu { CPUMetrics.add(cpu, to: &set) }
            if let memory = snapshot.memory { MemoryMetrics.add(memory, to: &set) }
            if let filesystems = snapshot.filesystems { DiskMetrics.add(filesystems, to: &set) }
            if let io = snapshot.diskIO { DiskMetrics.add(io, to: &set) }
            if let network = snapshot.network { NetworkMetrics.add(network, to: &set) }
            if let processes = snapshot.processes { ProcessMetrics.add(processes, to: &set) }
        }
        return set.renderText()
    }
}
