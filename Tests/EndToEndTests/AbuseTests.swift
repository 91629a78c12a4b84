import Foundation
import Testing

/// Tests/Abuse/abuse.py throws idle sockets, slowloris, huge heads, garbage and HTTP/2 frame floods at the
/// agent while a well-behaved client keeps fetching /metrics; every one of its requests must succeed, and
/// the agent's memory must stay bounded.
@Suite(.serialized) struct AbuseTests {
    @Test func wellBehavedClientIsServedThroughAnAttack() throws {
        let agent = try RunningAgent(
            environment: fixtureEnvironment.merging(["COLLECTION_INTERVAL": "1", "HTTP_REQUEST_TIMEOUT": "3"]) { $1 })
        defer { _ = agent.stop() }
        let port = String(agent.baseURL.split(separator: ":").last!)
        let result = try run("python3", [Paths.repository + "/Tests/Abuse/abuse.py", port, "10"])
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
        let good = try #require(report["good"] as? [String: Any])
        #expect(good["failure_count"] as? Int == 0, "\(good)")
        #expect((good["ok"] as? Int ?? 0) > 100, "\(good)")
        #expect(report["idle_opened"] as? Int == 1000)
        #expect(report["headers_64k"] as? String == "431")
        #expect(report["random_bytes"] as? [String] == ["400"])
        #expect(report["slowloris"] as? [String] == ["408"])
        for flood in ["h2_ping", "h2_settings", "h2_reset"] {
            #expect((report[flood] as? [String: Any])?["connection_ended"] as? Bool == true, "\(flood): \(report)")
        }
        let peak = try peakRSSKiB(agent.process.processIdentifier)
        print("abuse: good client \(good["ok"] ?? 0) answers, p99 \(good["p99_ms"] ?? "-") ms; agent peak RSS \(peak / 1024) MiB")
        #expect(peak < 64 * 1024, "peak RSS \(peak) KiB")
    }

    /// schemathesis generates requests from openapi.yaml and checks every answer against it.
    @Test func schemathesisFindsNoIssue() throws {
        let agent = try RunningAgent(environment: fixtureEnvironment)
        defer { _ = agent.stop() }
        let result = try run(
            "schemathesis",
            [
                "run", Paths.repository + "/openapi.yaml", "--url", agent.baseURL, "--checks", "all", "--max-examples", "50",
                // Endless by design; LiveViewTests reads it with real clients.
                "--exclude-path", "/api/v1/stream",
            ],
            environment: ProcessInfo.processInfo.environment.merging(["NO_COLOR": "1", "SCHEMATHESIS_TELEMETRY": "false"]) { $1 })
        #expect(result.status == 0, "\(result.stdout.suffix(3000))\(result.stderr.suffix(1000))")
        #expect(result.stdout.contains("No issues found"), "\(result.stdout.suffix(2000))")
    }

    func peakRSSKiB(_ pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") })
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? .max
    }
}
