import Foundation
import Testing

/// Debian's real Prometheus scrapes the agent on loopback.
@Suite(.serialized) struct PrometheusScrapeTests {
    @Test func prometheusScrapesTheAgent() throws {
        let agent = try RunningAgent(environment: fixtureEnvironment)
        defer { _ = agent.stop() }
        let target = agent.baseURL.replacingOccurrences(of: "http://", with: "")
        let served = try agent.get("/metrics").body.split(separator: "\n")
            .first { $0.hasPrefix("node_memory_MemTotal_bytes ") }.map { String($0.split(separator: " ")[1]) }

        let directory = NSTemporaryDirectory() + "shelteragent-prometheus-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: shelteragent
                static_configs:
                  - targets: ['\(target)']
            """.write(toFile: directory + "/prometheus.yml", atomically: true, encoding: .utf8)
        let port = try freePort()
        let prometheus = try startPrometheus(directory: directory, port: port)
        defer {
            prometheus.terminate()
            prometheus.waitUntilExit()
        }
        let api = "http://127.0.0.1:\(port)/api/v1/query?query="
        // Prometheus needs a few seconds to start and take its first scrape: poll for the answer, bounded.
        let up = try poll(seconds: 60) { try? value(of: curl(api + "up")) == "1" ? "1" : nil }
        #expect(up == "1")
        let memTotal = try poll(seconds: 30) { try? value(of: curl(api + "node_memory_MemTotal_bytes")) }
        #expect(memTotal != nil && memTotal == served)
    }

    /// The value of the first sample of an instant query, if there is one.
    func value(of result: HTTPResult) -> String? {
        guard let data = result.json?["data"] as? [String: Any], let samples = data["result"] as? [[String: Any]],
            let pair = samples.first?["value"] as? [Any]
        else { return nil }
        return pair.last as? String
    }

    func poll(seconds: Double, _ check: () throws -> String?) throws -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let answer = try check() { return answer }
            usleep(200_000)  // between polls of an outside process; not used to wait for our own code
        }
        return nil
    }

    /// Debian's prometheus on `port` with `directory/prometheus.yml` and its data beside it.
    func startPrometheus(directory: String, port: Int) throws -> Process {
        let prometheus = Process()
        prometheus.executableURL = URL(fileURLWithPath: try which("prometheus"))
        prometheus.arguments = [
            "--config.file=\(directory)/prometheus.yml", "--storage.tsdb.path=\(directory)/data",
            "--web.listen-address=127.0.0.1:\(port)",
        ]
        prometheus.standardError = FileHandle.nullDevice
        prometheus.standardOutput = FileHandle.nullDevice
        try prometheus.run()
        return prometheus
    }

    func freePort() throws -> Int {
        let result = try run("python3", ["-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"])
        guard let port = Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestFailure("no free port: \(result.stderr)")
        }
        return port
    }
}
