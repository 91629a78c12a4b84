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
    // node_exporter's names for the same two facts, so its dashboards' collector panels and alerts work.
    public static let scrapeSuccess = MetricDescriptor(
        "node_scrape_collector_success", .gauge, "node_exporter: Whether a collector succeeded.", labels: ["collector"])
    public static let scrapeDuration = MetricDescriptor(
        "node_scrape_collector_duration_seconds", .gauge, "node_exporter: Duration of a collector scrape.",
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
    /// Entries the history ring holds (HISTORY_DURATION / COLLECTION_INTERVAL).
    public var historyCapacity: Int = 1
    /// Every collector's name, in the order they run: what `collect[]` and `exclude[]` may name.
    public var collectorNames: [String] = []
    /// Signs, found at start-up, that the agent sees a container rather than the host (empty: none).
    public var viewWarnings: [String] = []

    public init(version: String, startTime: Double, collectionInterval: Double, defaultProcessLimit: Int) {
        self.version = version
        self.startTime = startTime
        self.collectionInterval = collectionInterval
        self.defaultProcessLimit = defaultProcessLimit
    }
}

/// `/metrics`: one snapshot in the Prometheus text format or OpenMetrics, optionally limited to some
/// collectors (node_exporter's `collect[]` / `exclude[]`).
public enum MetricsPage {
    public static func render(
        _ snapshot: Snapshot?, agent: AgentInfo, format: MetricsFormat = .prometheusText, collectors: Set<String>? = nil,
        push: PushReport? = nil, remoteWrite: RemoteWriteReport? = nil
    ) -> [UInt8] {
        let set = metricSet(snapshot, agent: agent, collectors: collectors, push: push, remoteWrite: remoteWrite)
        return format == .openMetrics ? set.renderOpenMetrics() : set.renderText()
    }

    /// Every family and sample of the page, unrendered: remote write sends the same series from it.
    public static func metricSet(
        _ snapshot: Snapshot?, agent: AgentInfo, collectors: Set<String>? = nil, push: PushReport? = nil,
        remoteWrite: RemoteWriteReport? = nil
    ) -> MetricSet {
        func wanted(_ name: String) -> Bool { collectors?.contains(name) ?? true }
        var set = MetricSet()
        set.add(AgentMetrics.buildInfo, [agent.version], 1)
        set.add(AgentMetrics.startTime, [], agent.startTime)
        if let snapshot {
            set.add(AgentMetrics.lastCollection, [], snapshot.timestamp)
            for status in snapshot.collectors where wanted(status.name) {
                set.add(AgentMetrics.collectorSuccess, [status.name], status.success ? 1 : 0)
                set.add(AgentMetrics.collectorDuration, [status.name], status.durationSeconds)
                set.add(AgentMetrics.scrapeSuccess, [status.name], status.success ? 1 : 0)
                set.add(AgentMetrics.scrapeDuration, [status.name], status.durationSeconds)
            }
            for entry in snapshot.sections where wanted(entry.collector) { entry.section.addMetrics(to: &set) }
        }
        if let push { PushMetrics.add(push, to: &set) }
        if let remoteWrite { RemoteWriteMetrics.add(remoteWrite, to: &set) }
        return set
    }
}

/// The two exposition formats `/metrics` speaks, chosen by `Accept`.
public enum MetricsFormat: String, Sendable, Hashable {
    case prometheusText, openMetrics

    public var contentType: String {
        switch self {
        case .prometheusText: return "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: return "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }

    /// OpenMetrics when the client asks for it over the text format (Prometheus does); text otherwise.
    public static func negotiate(_ accept: String?) -> MetricsFormat {
        AcceptHeader.preferred(["application/openmetrics-text", "text/plain"], in: accept) == "application/openmetrics-text"
            ? .openMetrics : .prometheusText
    }
}
