import Foundation
import Testing

/// TEXTFILE_DIRECTORY with the built binary: a good file's series on the page beside a broken file's
/// scrape error, health still ok, and promtool saying no more than it says of node_exporter.
@Suite struct TextfileTests {
    static let good = """
        # HELP backup_last_success_timestamp_seconds When the last backup finished.
        # TYPE backup_last_success_timestamp_seconds gauge
        backup_last_success_timestamp_seconds{job="db",note="quote \\" and Zürich"} 1764000000
        # TYPE backup_runs_total counter
        backup_runs_total 42
        # HELP backup_duration_seconds How long backups took.
        # TYPE backup_duration_seconds histogram
        backup_duration_seconds_bucket{le="60"} 3
        backup_duration_seconds_bucket{le="600"} 5
        backup_duration_seconds_sum 1200
        backup_duration_seconds_count 6

        """

    /// The page once the agent's passes reach `condition`, polled with a deadline.
    static func page(_ agent: RunningAgent, until condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            let body = try agent.get("/metrics").body
            if condition(body) { return body }
            usleep(50_000)
        }
        throw TestFailure("the page never got there")
    }

    static func sequenceOfPass(_ body: String) -> Double? {
        body.split(separator: "\n").first { $0.hasPrefix("shelteragent_last_collection_timestamp_seconds ") }
            .flatMap { Double($0.split(separator: " ")[1]) }
    }

    @Test func goodAndBrokenFilesOnTheLivePage() throws {
        let directory = NSTemporaryDirectory() + "shelteragent-textfile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.good.write(toFile: directory + "/backup.prom", atomically: true, encoding: .utf8)
        try "not_a_metric 1\n".write(toFile: directory + "/README.txt", atomically: true, encoding: .utf8)
        let mtime = try #require(
            try FileManager.default.attributesOfItem(atPath: directory + "/backup.prom")[.modificationDate] as? Date)
        let environment = fixtureEnvironment.merging(["TEXTFILE_DIRECTORY": directory, "COLLECTION_INTERVAL": "0.1"]) { _, new in new }
        let agent = try RunningAgent(environment: environment)
        let clean = try agent.get("/metrics").body
        #expect(clean.contains("node_textfile_scrape_error 0\n"))

        // Written after start-up, so that its log line comes after the "serving" line the test waits for.
        try "half_written{job=\"x\" 1\n".write(toFile: directory + "/broken.prom", atomically: true, encoding: .utf8)
        let body = try Self.page(agent) { $0.contains("node_textfile_scrape_error 1\n") }
        let refusedAt = try #require(Self.sequenceOfPass(body))
        _ = try Self.page(agent) { (Self.sequenceOfPass($0) ?? 0) > refusedAt + 0.3 }  // a few more passes
        let health = try agent.get("/api/v1/health").body
        let log = agent.stop().log

        #expect(body.contains(#"backup_last_success_timestamp_seconds{job="db",note="quote \" and Zürich"} 1764000000"#))
        #expect(body.contains("# HELP backup_last_success_timestamp_seconds When the last backup finished.\n"))
        #expect(body.contains("# TYPE backup_runs_total counter\nbackup_runs_total 42\n"))
        #expect(body.contains(#"backup_duration_seconds_bucket{le="+Inf"} 6"#))
        #expect(body.contains("# TYPE node_textfile_scrape_error gauge\nnode_textfile_scrape_error 1\n"))
        let mtimeLine = "node_textfile_mtime_seconds{file=\"\(directory)/backup.prom\"} \(Int(mtime.timeIntervalSince1970))\n"
        #expect(body.contains("# TYPE node_textfile_mtime_seconds gauge\n" + mtimeLine), "one mtime, the good file's")
        #expect(!body.contains("half_written") && !body.contains("not_a_metric") && !body.contains("broken.prom"))
        #expect(body.contains("node_scrape_collector_success{collector=\"textfile\"} 1"))
        #expect(health.contains(#""status":"ok""#), "a broken textfile does not degrade health: \(health)")
        #expect(log.components(separatedBy: "broken.prom refused: line 1").count == 2, "logged once: \(log)")
        try GoldenMetricsTests.checkWithPromtool(body)
    }
}
