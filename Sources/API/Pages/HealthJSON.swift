/// `/api/v1/health`: is the agent collecting, and how is each collector doing.
public enum HealthJSON {
    /// `degraded` when a collector failed on the last pass or no pass finished within three intervals.
    public static func status(_ snapshot: Snapshot?, agent: AgentInfo, now: Double) -> String {
        guard let snapshot else {
            return now - agent.startTime > 3 * agent.collectionInterval ? "degraded" : "ok"
        }
        let stale = now - snapshot.timestamp > 3 * agent.collectionInterval
        return stale || snapshot.collectors.contains { !$0.success } ? "degraded" : "ok"
    }

    public static func render(_ snapshot: Snapshot?, agent: AgentInfo, now: Double, pretty: Bool) -> [UInt8] {
        var json = JSONWriter(pretty: pretty)
        json.object { json in
            json.field("status", status(snapshot, agent: agent, now: now))
            json.field("version", agent.version)
            json.field("uptime_seconds", (now - agent.startTime).rounded())
            json.field("last_collection", snapshot.map { Timestamp.rfc3339($0.timestamp) })
            json.field("last_collection_age_seconds", snapshot.map { ((now - $0.timestamp) * 1000).rounded() / 1000 })
            json.key("collectors")
            json.array { json in
                for collector in snapshot?.collectors ?? [] {
                    json.object { json in
                        json.field("name", collector.name)
                        json.field("success", collector.success)
                        json.field("duration_seconds", collector.durationSeconds)
                        json.field("error", collector.error)
                    }
                }
            }
        }
        return json.bytes
    }
}
