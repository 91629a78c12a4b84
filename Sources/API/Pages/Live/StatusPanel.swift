/// The page's first row: health as `/api/v1/health` says it, what the agent sees, and the push pipeline.
enum StatusPanel {
    static func write(
        _ snapshot: Snapshot?, agent: AgentInfo, push: PushReport?, remoteWrite: RemoteWriteReport?, now: Double,
        into html: inout HTMLWriter
    ) {
        let status = HealthJSON.status(snapshot, agent: agent, now: now, push: push, remoteWrite: remoteWrite)
        html.raw("<section class=\"status\" id=\"status\"><div class=\"card\"><h2>Health</h2>")
        html.raw("<p class=\"big \(status)\" id=\"health\">")
        html.text(status)
        html.raw("</p><ul class=\"facts\">")
        for collector in snapshot?.collectors ?? [] where !collector.success {
            html.raw("<li class=\"bad\">")
            html.text("\(collector.name): \(collector.error ?? "failed")")
            html.raw("</li>")
        }
        html.raw("<li>")
        html.text(agent.viewWarnings.isEmpty ? "sees the host" : "sees a container, not the host")
        html.raw("</li>")
        for warning in agent.viewWarnings {
            html.raw("<li class=\"bad\">")
            html.text(warning)
            html.raw("</li>")
        }
        html.raw("<li>up ")
        html.text(HumanFormat.duration(max(0, now - agent.startTime)))
        html.raw("</li></ul></div>")
        writePush(push, now: now, into: &html)
        html.raw("</section>\n")
    }

    static func writePush(_ push: PushReport?, now: Double, into html: inout HTMLWriter) {
        html.raw("<div class=\"card\" id=\"push\"><h2>Push</h2>")
        guard let push else {
            html.raw("<p class=\"big\">pull-only</p><ul class=\"facts\"><li>no SERVER_URL: nothing is pushed</li></ul></div>")
            return
        }
        let reachable = push.dashboardReachable.map { $0 ? "reachable" : "unreachable" } ?? "not tried yet"
        html.raw("<p class=\"big \(push.isHealthy ? "ok" : "degraded")\">")
        html.text("dashboard \(reachable)")
        html.raw("</p><ul class=\"facts\"><li>")
        html.text("registration: \(push.registration)")
        html.raw("</li><li>")
        html.text("spool: \(push.spoolSamples) samples, \(HumanFormat.bytes(Double(push.spoolBytes)))")
        html.raw("</li><li>")
        html.text("oldest unsent: " + (push.spoolOldestTime.map { HumanFormat.duration(max(0, now - $0)) + " ago" } ?? "none"))
        html.raw("</li><li>")
        html.text("last push: " + (push.lastSuccessTime.map { HumanFormat.duration(max(0, now - $0)) + " ago" } ?? "never"))
        html.raw("</li>")
        if let action = push.operatorAction {
            html.raw("<li class=\"bad\">")
            html.text(action)
            html.raw("</li>")
        } else if let error = push.lastError, push.dashboardReachable == false {
            html.raw("<li class=\"bad\">")
            html.text(error)
            html.raw("</li>")
        }
        html.raw("</ul></div>")
    }
}
