import Foundation
import Testing

/// `/metrics` on the fixture host, compared whole with Golden/metrics.prom (UPDATE_GOLDEN=1 rewrites it),
/// and linted by promtool.
@Suite(.serialized) struct GoldenMetricsTests {
    /// Families whose values depend on the moment or on the filesystem the fixtures sit on.
    static let volatile = [
        "node_filesystem_", "shelteragent_filesystem_usage_ratio", "shelteragent_start_time_seconds",
        "shelteragent_last_collection_timestamp_seconds", "shelteragent_collector_duration_seconds",
        "node_scrape_collector_duration_seconds",
        // The agent's own process (the exporter collector reads /proc/self, not the fixture).
        "process_",
    ]

    /// The agent's own cgroup is the test runner's, not the fixture's: its families are left out whole.
    static func normalized(_ body: String) -> String {
        body.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("shelteragent_cgroup_") }
        .map { line -> String in
            guard !line.hasPrefix("#"), volatile.contains(where: { line.hasPrefix($0) }),
                let space = line.lastIndex(of: " ")
            else { return String(line) }
            return line[..<space] + " <volatile>"
        }.joined(separator: "\n")
    }

    @Test func metricsMatchTheGoldenFile() throws {
        let agent = try RunningAgent(environment: fixtureEnvironment)
        defer { _ = agent.stop() }
        let body = Self.normalized(try agent.get("/metrics").body)
        let path = Paths.golden + "/metrics.prom"
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try body.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOfFile: path, encoding: .utf8)
        #expect(body == golden, "run with UPDATE_GOLDEN=1 and review the diff if the change is intended")
    }

    /// promtool's lint on the `shelteragent_` families says nothing; on the node_exporter-compatible ones it
    /// may only repeat what it says of node_exporter itself (meminfo's CamelCase field names).
    static func checkWithPromtool(_ body: String) throws {
        let ours = body.split(separator: "\n").filter { line in
            line.hasPrefix("shelteragent_") || line.hasPrefix("# HELP shelteragent_") || line.hasPrefix("# TYPE shelteragent_")
        }.joined(separator: "\n") + "\n"
        let own = try run("promtool", ["check", "metrics"], input: ours)
        #expect(own.status == 0 && own.stdout.isEmpty && own.stderr.isEmpty, "\(own.stdout)\(own.stderr)")
        #expect(ours.contains("shelteragent_collector_success"))
        let all = try run("promtool", ["check", "metrics"], input: body)
        let complaints = (all.stdout + all.stderr).split(separator: "\n")
        #expect(complaints.allSatisfy { $0.hasPrefix("node_memory_") && $0.hasSuffix("not 'camelCase'") }, "\(complaints)")
    }

    @Test func promtoolFindsNothingToSay() throws {
        let agent = try RunningAgent(environment: fixtureEnvironment)
        defer { _ = agent.stop() }
        try Self.checkWithPromtool(try agent.get("/metrics").body)
    }

    @Test func liveHostMetricsAlsoPassPromtool() throws {
        let agent = try RunningAgent(environment: ["COLLECTION_INTERVAL": "3600"])
        defer { _ = agent.stop() }
        try Self.checkWithPromtool(try agent.get("/metrics").body)
    }
}
