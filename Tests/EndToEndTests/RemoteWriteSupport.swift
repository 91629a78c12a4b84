import Foundation

/// Tests/RemoteWrite/receiver.py on a port of its own: a remote-write receiver that decodes with the
/// official protobuf runtime and can be told to fail.
final class RemoteWriteReceiver: PolledReceiver {
    let process = Process()
    let port: Int

    let scheme: String

    init(tls: (cert: String, key: String, clientCA: String)? = nil) throws {
        process.executableURL = URL(fileURLWithPath: try which("python3"))
        process.arguments = [Paths.repository + "/Tests/RemoteWrite/receiver.py"] + (tls.map { ["--tls", $0.cert, $0.key, $0.clientCA] } ?? [])
        scheme = tls == nil ? "http" : "https"
        port = try startReceiver(
            process, failure: "remote-write receiver exited before listening (protoc and Python's protobuf installed?)")
    }

    var url: String { "\(scheme)://127.0.0.1:\(port)/api/v1/write" }

    /// For the control and state routes over TLS: curl with the test's client certificate.
    var curlTLS: [String] = []

    func control(_ settings: [String: Any]) throws {
        let body = String(decoding: try JSONSerialization.data(withJSONObject: settings), as: UTF8.self)
        _ = try curl("\(scheme)://127.0.0.1:\(port)/_control", curlTLS + ["-X", "POST", "-d", body])
    }

    func state() throws -> [String: Any] { try curl("\(scheme)://127.0.0.1:\(port)/_state", curlTLS).json ?? [:] }

    /// [name, labels, [timestamp ms, value]] per sample, in arrival order.
    func samples() throws -> [(name: String, labels: [String: String], timestamp: Int64, value: Double)] {
        (try state()["samples"] as? [[Any]] ?? []).compactMap { item in
            guard item.count == 3, let name = item[0] as? String, let labels = item[1] as? [String: String],
                let sample = item[2] as? [Any], sample.count == 2, let time = sample[0] as? NSNumber,
                let text = sample[1] as? String, let value = Double(text)
            else { return nil }
            return (name, labels, time.int64Value, value)
        }
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// The agent's environment for remote-writing to `url` at a test's pace.
func remoteWriteEnvironment(_ url: String, _ extra: [String: String] = [:]) -> [String: String] {
    [
        "REMOTE_WRITE_URL": url, "COLLECTION_INTERVAL": "0.5", "RETRY_MAX_SECONDS": "1", "SHUTDOWN_FLUSH_SECONDS": "5",
        "AGENT_HOSTNAME": "rw-test-host", "PUSH_TIMEOUT": "5", "PUSH_CONNECT_TIMEOUT": "1",
    ].merging(extra) { $1 }
}

/// The remote-write part of the agent's health, polled until `condition` holds (bounded).
func pollRemoteWrite(_ agent: RunningAgent, seconds: Double, _ condition: ([String: Any]) -> Bool) throws -> [String: Any]? {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if let health = try agent.get("/api/v1/health").json, let remote = health["remote_write"] as? [String: Any], condition(remote) {
            return health
        }
        usleep(100_000)  // polling another process, not waiting on our own code
    }
    return nil
}

/// How many collections the agent has spooled in its life (across restarts): the spool's numbering.
func remoteWriteCollections(_ directory: String) -> Int? {
    guard let text = try? String(contentsOfFile: directory + "/remote-write-spool/position", encoding: .utf8) else { return nil }
    let sequence = text.split(separator: "\n").first { $0.hasPrefix("sequence ") }.flatMap { Int($0.dropFirst(9)) }
    let series = text.split(separator: "\n").first { $0.hasPrefix("series ") }.flatMap { Int($0.dropFirst(7)) }
    return series == 0 ? sequence.map { $0 - 1 } : nil
}

/// A free loopback port (bound and released: the receiver under test takes it a moment later).
func freePort() throws -> Int {
    let result = try run("python3", ["-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"])
    guard let port = Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw TestFailure("no port: \(result.stderr)") }
    return port
}

/// A real time-series database on loopback: Debian's victoria-metrics or prometheus (with its
/// remote-write receiver), on a data directory that survives a stop and start (the outage).
final class TimeSeriesDatabase {
    enum Kind { case victoriaMetrics, prometheus }

    let kind: Kind
    let port: Int
    let directory: String
    private var process: Process?

    init(_ kind: Kind, directory: String) throws {
        self.kind = kind
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        port = try freePort()
        try start()
    }

    var writeURL: String { "http://127.0.0.1:\(port)/api/v1/write" }

    func start() throws {
        let process = Process()
        switch kind {
        case .victoriaMetrics:
            process.executableURL = URL(fileURLWithPath: try which("victoria-metrics"))
            process.arguments = ["-storageDataPath=\(directory)/vm", "-httpListenAddr=127.0.0.1:\(port)", "-loggerLevel=ERROR"]
        case .prometheus:
            let config = directory + "/prometheus.yml"
            try "global:\n  scrape_interval: 1h\n".write(toFile: config, atomically: true, encoding: .utf8)
            process.executableURL = URL(fileURLWithPath: try which("prometheus"))
            process.arguments = [
                "--config.file=\(config)", "--storage.tsdb.path=\(directory)/prometheus", "--web.listen-address=127.0.0.1:\(port)",
                "--web.enable-remote-write-receiver", "--log.level=error",
            ]
        }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let ready = kind == .victoriaMetrics ? "/health" : "/-/ready"
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let answer = try? curl("http://127.0.0.1:\(port)\(ready)"), answer.status == 200 { return }
            guard process.isRunning else { throw TestFailure("\(kind) exited at start") }
            usleep(100_000)  // polling another process's readiness
        }
        throw TestFailure("\(kind) not ready within 30 s")
    }

    /// SIGTERM and wait: a clean stop, so what the database acknowledged is on its disk.
    func stop() {
        guard let process else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        self.process = nil
    }

    /// Every stored sample of the series `selector` names: (timestamp ms, value), oldest first.
    func samples(_ selector: String) throws -> [(timestamp: Int64, value: Double)] {
        switch kind {
        case .victoriaMetrics:
            _ = try? curl("http://127.0.0.1:\(port)/internal/force_flush")
            let answer = try curl("http://127.0.0.1:\(port)/api/v1/export", ["-G", "--data-urlencode", "match[]=\(selector)"])
            var all: [(Int64, Double)] = []
            for line in answer.body.split(separator: "\n") {
                guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                    let times = object["timestamps"] as? [NSNumber], let values = object["values"] as? [NSNumber]
                else { continue }
                all += zip(times, values).map { ($0.int64Value, $1.doubleValue) }
            }
            return all.sorted { $0.0 < $1.0 }
        case .prometheus:
            // A range selector in an instant query returns the raw samples, each at its own timestamp.
            let answer = try curl("http://127.0.0.1:\(port)/api/v1/query", ["-G", "--data-urlencode", "query=\(selector)[15m]"])
            let result = ((answer.json?["data"] as? [String: Any])?["result"] as? [[String: Any]]) ?? []
            var all: [(Int64, Double)] = []
            for series in result {
                for pair in series["values"] as? [[Any]] ?? [] {
                    guard pair.count == 2, let time = pair[0] as? NSNumber, let text = pair[1] as? String, let value = Double(text) else { continue }
                    all.append((Int64((time.doubleValue * 1000).rounded()), value))
                }
            }
            return all.sorted { $0.0 < $1.0 }
        }
    }

    deinit { stop() }
}
