import Foundation
import Testing

/// `/metrics` on the fixture host, compared whole with Golden/metrics.prom (UPDATE_GOLDEN=1 rewrites it),
/// and linted by promtool.
@Suite(.serialized) struct GoldenMetricsTests {
    /// Families whose values depend on the moment or on the filesystem the fixtures sit on.
    static let volatile = [
        "node_filesystem_", "shelteragent_filesystem_usage_ratio", "shelteragent_start_time_seconds",
        "shelteragent_last_collection_timestamp_seconds", "shelteragent_collector_duration_seconds",
        "node_scrape_collector_duration_seconds", "node_time_seconds", "node_timex_",
        // Pages times this machine's page size.
        "node_sockstat_TCP_mem_bytes", "node_sockstat_UDP_mem_bytes",
        // The agent's own process (the exporter collector reads /proc/self, not the fixture).
        "process_",
    ]
    /// Families whose labels are the machine's own (the running kernel's uname), left out whole.
    static let machines = ["shelteragent_cgroup_", "node_uname_info"]

    /// The agent's own cgroup is the test runner's, not the fixture's, and uname(2) is the machine's: their
    /// families are left out whole.
    static func normalized(_ body: String) -> String {
        body.split(separator: "\n", omittingEmptySubsequences: false).filter { line in !machines.contains { line.contains($0) } }
        .map { line -> String in
            guard !line.hasPrefix("#"), volatile.contains(where: { line.hasPrefix($0) }),
                let space = line.lastIndex(of: " ")
            else { return String(line) }
            return line[..<space] + " <volatile>"
        }.joined(separator: "\n")
    }

    @Test func metricsMatchTheGoldenFile() throws {
        // A zone given as a POSIX TZ rule, so node_time_zone_offset_seconds is the same on every machine.
        let agent = try RunningAgent(environment: fixtureEnvironment.merging(["TZ": "AEST-10"]) { $1 })
        defer { _ = agent.stop() }
        let body = Self.normalized(try agent.get("/metrics").body)
        let path = Paths.golden + "/metrics.prom"
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try body.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOfFile: path, encoding: .utf8)
        #expect(body == golden, "run with UPDATE_GOLDEN=1 and review the diff if the change is intended")
    }

    /// What promtool says of node_exporter's own page too: meminfo's and netstat's CamelCase field names
    /// (the kernel's), entropy in bits.
    static let nodeExportersOwnComplaints = [
        (prefix: "node_memory_", suffix: "not 'camelCase'"),
        (prefix: "node_netstat_", suffix: "not 'camelCase'"),
        (prefix: "node_entropy_", suffix: #"use base unit "bytes" instead of "bits""#),
    ]

    /// promtool's lint on the `shelteragent_` families says nothing; on the node_exporter-compatible ones it
    /// may only repeat what it says of node_exporter itself.
    static func checkWithPromtool(_ body: String) throws {
        let ours = body.split(separator: "\n").filter { line in
            line.hasPrefix("shelteragent_") || line.hasPrefix("# HELP shelteragent_") || line.hasPrefix("# TYPE shelteragent_")
        }.joined(separator: "\n") + "\n"
        let own = try run("promtool", ["check", "metrics"], input: ours)
        #expect(own.status == 0 && own.stdout.isEmpty && own.stderr.isEmpty, "\(own.stdout)\(own.stderr)")
        #expect(ours.contains("shelteragent_collector_success"))
        let all = try run("promtool", ["check", "metrics"], input: body)
        let complaints = (all.stdout + all.stderr).split(separator: "\n")
        let unexpected = complaints.filter { complaint in
            !nodeExportersOwnComplaints.contains { complaint.hasPrefix($0.prefix) && complaint.hasSuffix($0.suffix) }
        }
        #expect(unexpected.isEmpty, "\(unexpected)")
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
