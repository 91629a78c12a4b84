/// `/api/v1/health`: is the agent collecting, and how is each collector doing.
public enum HealthJSON {
    /// `degraded` when a collector failed on the last pass, no pass finished within three intervals, or
    /// the dashboard is unreachable or refusing us, or the spool cannot be written (`push.spool.error`),
    /// or the remote-write receiver is unreachable or its spool cannot be written.
    public static func status(
        _ snapshot: Snapshot?, agent: AgentInfo, now: Double, push: PushReport? = nil, remoteWrite: RemoteWriteReport? = nil
    ) -> String {
        if let push, !push.isHealthy { return "degraded" }
        if let remoteWrite, !remoteWrite.isHealthy { return "degraded" }
        guard let snapshot else {
            return now - agent.startTime > 3 * agent.collectionInterval ? "degraded" : "ok"
        }
        let stale = now - snapshot.timestamp > 3 * agent.collectionInterval
        return stale || snapshot.collectors.contains { !$0.success } ? "degraded" : "ok"
    }

    public static func render(
        _ snapshot: Snapshot?, agent: AgentInfo, now: Double, pretty: Bool, push: PushReport? = nil,
        remoteWrite: RemoteWriteReport? = nil
    ) -> [UInt8] {
        var json = JSONWriter(pretty: pretty)
        json.object { json in
            json.field("status", status(snapshot, agent: agent, now: now, push: push, remoteWrite: remoteWrite))
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
            json.key("host_view")
            json.object { json in
                json.field("is_host", agent.viewWarnings.isEmpty)
                json.key("warnings")
                json.array { json in for warning in agent.viewWarnings { json.string(warning) } }
            }
            json.key("push")
            if let push { writePush(push, now: now, &json) } else { json.string(nil) }
            json.key("remote_write")
            if let remoteWrite { writeRemoteWrite(remoteWrite, now: now, &json) } else { json.string(nil) }
        }
        return json.bytes
    }

    static func writeRemoteWrite(_ report: RemoteWriteReport, now: Double, _ json: inout JSONWriter) {
        json.object { json in
            json.field("url", report.url)
            json.key("receiver_reachable")
            if let reachable = report.receiverReachable { json.bool(reachable) } else { json.string(nil) }
            json.field("last_success", report.lastSuccessTime.map { Timestamp.rfc3339($0) })
            json.field("last_success_age_seconds", report.lastSuccessTime.map { (now - $0).rounded() })
            json.field("last_error", report.lastError)
            json.field("samples_sent", report.samplesSent)
            json.field("requests_sent", report.requestsSent)
            json.field("pending_samples", report.pendingSamples)
            json.field("oldest_pending_age_seconds", report.oldestPendingTime.map { max(0, now - $0).rounded() })
            json.field("samples_rejected", report.samplesRejected)
            json.field("samples_dropped", report.samplesDropped)
            json.field("collections_corrupt", report.collectionsCorrupt)
            json.field("samples_lost", report.samplesLost)
            json.key("spool")
            json.object { json in
                json.field("bytes", report.spoolBytes)
                json.field("error", report.spoolError)
            }
        }
    }

    static func writePush(_ push: PushReport, now: Double, _ json: inout JSONWriter) {
        json.object { json in
            json.field("registration", push.registration)
            json.field("agent_id", push.agentId)
            json.key("dashboard_reachable")
            if let reachable = push.dashboardReachable { json.bool(reachable) } else { json.string(nil) }
            json.field("last_success", push.lastSuccessTime.map { Timestamp.rfc3339($0) })
            json.field("last_success_age_seconds", push.lastSuccessTime.map { (now - $0).rounded() })
            json.field("last_error", push.lastError)
            json.field("operator_action", push.operatorAction)
            json.field("samples_sent", push.samplesSent)
            json.field("batches_rejected", push.batchesRejected)
            json.field("samples_dropped", push.samplesDropped)
            json.field("samples_corrupt", push.samplesCorrupt)
            json.field("samples_lost", push.samplesLost)
            json.key("spool")
            json.object { json in
                json.field("samples", push.spoolSamples)
                json.field("bytes", push.spoolBytes)
                json.field("oldest_sample_age_seconds", push.spoolOldestTime.map { max(0, now - $0).rounded() })
                json.field("error", push.spoolError)
            }
        }
    }
}
