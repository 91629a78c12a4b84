import Foundation
import Testing

/// Tests/Receiver/receiver.py running on a port of its own: the dashboard, as the tests meet it.
final class Receiver: PolledReceiver {
    let process = Process()
    let port: Int
    let scheme: String

    init(tls: (cert: String, key: String)? = nil) throws {
        process.executableURL = URL(fileURLWithPath: try which("python3"))
        process.arguments = [Paths.repository + "/Tests/Receiver/receiver.py"] + (tls.map { ["--tls", $0.cert, $0.key] } ?? [])
        port = try startReceiver(process, failure: "receiver exited before listening")
        self.scheme = tls == nil ? "http" : "https"
    }

    var url: String { "\(scheme)://127.0.0.1:\(port)" }

    func control(_ settings: [String: Any]) throws {
        let body = String(decoding: try JSONSerialization.data(withJSONObject: settings), as: UTF8.self)
        _ = try curl(url + "/_control", ["-k", "-X", "POST", "-H", "Content-Type: application/json", "-d", body])
    }

    func state() throws -> [String: Any] {
        try curl(url + "/_state", ["-k"]).json ?? [:]
    }

    /// Accepted metric items, in arrival order.
    func metrics() throws -> [[String: Any]] { try state()["metrics"] as? [[String: Any]] ?? [] }

    /// Answers 429 with `control`'s Retry-After until the agent has been refused once, then 201 again at
    /// once (any request the agent makes before Retry-After is up is then answered 201 and counts as too
    /// soon; a pause would have answered it 429, hiding it), and returns the seconds from the refusal to
    /// the agent's next request. The test's own /_control calls, which the receiver logs too, do not count.
    func secondsFromARefusalToTheNextRequest(_ control: [String: Any]) throws -> Double {
        try self.control(["mode": "429"].merging(control) { $1 })
        #expect(try wait { state in (state["requests"] as? [[Any]] ?? []).contains { ($0[3] as? Int) == 429 } })
        try self.control(["mode": "ok"])
        let requests = try state()["requests"] as? [[Any]] ?? []
        let refused = try #require(requests.last { ($0[3] as? Int) == 429 }?[0] as? Double)
        #expect(try wait { state in
            (state["requests"] as? [[Any]] ?? []).contains { ($0[0] as? Double ?? 0) > refused && ($0[3] as? Int) == 201 }
        })
        let after = (try state()["requests"] as? [[Any]] ?? []).filter { !(($0[2] as? String) ?? "").hasPrefix("/_") }
        let next = try #require(after.first { ($0[0] as? Double ?? 0) > refused }?[0] as? Double)
        return next - refused
    }

    deinit {
        // SIGKILL, not SIGTERM: the test runner ignores SIGTERM, and a child inherits that through exec.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// The agent's environment for pushing to `receiver` with intervals short enough for tests.
func pushEnvironment(_ receiver: Receiver, _ extra: [String: String] = [:]) -> [String: String] {
    [
        "SERVER_URL": receiver.url, "COLLECTION_INTERVAL": "0.2", "SEND_INTERVAL": "1", "SERVICE_INTERVAL": "1",
        "HEARTBEAT_INTERVAL": "1", "RETRY_MAX_SECONDS": "1", "SHUTDOWN_FLUSH_SECONDS": "5", "AGENT_HOSTNAME": "test-host",
    ].merging(extra) { $1 }
}

func temporaryDirectory(_ name: String) throws -> String {
    let path = NSTemporaryDirectory() + "shelteragent-\(name)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The spool's acknowledged sequence: every sample through it has left the agent.
func spoolAcked(_ directory: String) -> Int? {
    guard let text = try? String(contentsOfFile: directory + "/spool/state", encoding: .utf8) else { return nil }
    return text.split(separator: "\n").first { $0.hasPrefix("acked ") }.flatMap { Int($0.dropFirst(6)) }
}

/// Samples as the receiver got them: (recorded_at, batch_id) per distinct sample time, in arrival order.
func receivedSampleTimes(_ metrics: [[String: Any]]) -> [String] {
    var seen: [String] = []
    for item in metrics {
        let time = item["recorded_at"] as? String ?? ""
        if seen.last != time { seen.append(time) }
    }
    return seen
}
