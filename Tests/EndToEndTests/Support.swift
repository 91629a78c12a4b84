import Foundation

/// Paths of the repository, the built binary and the fixtures.
enum Paths {
    static let repository: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }()
    static var agent: String {
        ProcessInfo.processInfo.environment["SHELTER_AGENT_BIN"] ?? repository + "/.build/debug/shelter-agent"
    }
    static let fixtureHost = repository + "/Tests/HostMetricsTests/Fixtures/host"
    static let golden = repository + "/Tests/EndToEndTests/Golden"
}

/// What a finished command printed and how it ended.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a command to completion, with an optional standard input.
func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, input: String? = nil,
         directory: String? = nil) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : try which(executable))
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    // Standard error goes to a file so that reading standard output to its end cannot deadlock on it.
    let errPath = NSTemporaryDirectory() + "shelteragent-stderr-\(UUID().uuidString)"
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: errPath) }
    let out = Pipe(), stdin = Pipe()
    process.standardOutput = out
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    process.standardInput = stdin
    try process.run()
    if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
    try stdin.fileHandleForWriting.close()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
}

func which(_ name: String) throws -> String {
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    throw TestFailure("\(name) is not installed (run .ci/run, or apt-get install it)")
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// An HTTP exchange as curl saw it.
struct HTTPResult {
    var status: Int
    var headers: [String: String]
    var body: String

    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
    }
}

func curl(_ url: String, _ extra: [String] = []) throws -> HTTPResult {
    let result = try run("curl", ["-sS", "--max-time", "10", "-D", "/dev/stderr", "-o", "/dev/stdout"] + extra + [url])
    guard result.status == 0 else { throw TestFailure("curl \(url) failed: \(result.stderr)") }
    var headers: [String: String] = [:]
    var status = 0
    for line in result.stderr.split(separator: "\r\n") {
        if line.hasPrefix("HTTP/") {
            status = Int(line.split(separator: " ")[1]) ?? 0
            headers = [:]
        } else if let colon = line.firstIndex(of: ":") {
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
    }
    return HTTPResult(status: status, headers: headers, body: result.stdout)
}

/// The agent binary running in the background on a port of its own choosing.
/// The agent run to completion (a flag like --once or --check-config, or a bad setting), with a minimal
/// environment and no log file.
func runAgent(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil) throws
    -> CommandResult
{
    try run(
        Paths.agent, arguments,
        environment: ["PATH": "/usr/bin:/bin", "LOG_FILE": ""].merging(environment) { _, new in new }, directory: directory)
}

final class RunningAgent {
    let process = Process()
    let baseURL: String
    private let errors = Pipe()
    let directory: String

    private let ownsDirectory: Bool

    /// Starts the agent (`executable`: a copy of it, say) with `environment` (on top of a minimal one) in
    /// `directory` (a new temporary one by default, removed at stop) and waits for its "serving" line.
    init(environment: [String: String] = [:], arguments: [String] = [], directory: String? = nil,
         executable: String = Paths.agent) throws {
        ownsDirectory = directory == nil
        self.directory = directory ?? NSTemporaryDirectory() + "shelteragent-e2e-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: self.directory, withIntermediateDirectories: true)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--listen", "127.0.0.1:0"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: self.directory)
        // No backtracer for the agent under test: it inherits our pipe and can hold it open for minutes.
        process.environment = ["PATH": "/usr/bin:/bin", "LOG_FILE": "", "SWIFT_BACKTRACE": "enable=no"]
            .merging(environment) { _, new in new }
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        baseURL = try Self.awaitServingLine(errors.fileHandleForReading, process: process)
    }

    /// Reads the agent's log until it says where it serves; the line is the readiness signal.
    private static func awaitServingLine(_ handle: FileHandle, process: Process) throws -> String {
        var seen = ""
        while process.isRunning || !seen.isEmpty {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            if let range = seen.range(of: #"serving (https?://[^ ]+)"#, options: .regularExpression) {
                return String(seen[range].dropFirst("serving ".count))
            }
        }
        throw TestFailure("agent exited before serving: \(seen)")
    }

    func get(_ path: String, _ extra: [String] = []) throws -> HTTPResult { try curl(baseURL + path, extra) }

    /// SIGTERM, then the exit status and what it logged since start-up. An agent still running after 10 s
    /// is killed, so a shutdown bug fails the test (status 9) instead of hanging the suite; what each of its
    /// threads was doing is added to the log first (`hangReport`), for a hang seen once and never again.
    func stop() -> (status: Int32, log: String) {
        process.terminate()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        let report = process.isRunning ? Self.hangReport(process.processIdentifier) : ""
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        if ownsDirectory { try? FileManager.default.removeItem(atPath: directory) }
        return (process.terminationStatus, log + report)
    }

    /// Each thread's name, state, wait channel and kernel stack (root only), and gdb's backtraces where gdb
    /// is installed (bounded: a stuck gdb must not hang the suite in turn).
    static func hangReport(_ pid: Int32) -> String {
        var report = "\n--- still running 10 s after SIGTERM: its threads ---\n"
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        for task in tasks.sorted() {
            let read = { (file: String) in
                (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/\(file)", encoding: .utf8)) ?? "?"
            }
            let state = read("status").split(separator: "\n").first { $0.hasPrefix("State:") } ?? "?"
            report += "\(task) \(read("comm").trimmingCharacters(in: .whitespacesAndNewlines)) \(state) wchan=\(read("wchan"))\n"
            report += read("stack")
        }
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/gdb"),
            let traces = try? run(
                "/usr/bin/timeout", ["20", "/usr/bin/gdb", "-batch", "-p", "\(pid)", "-ex", "thread apply all bt"])
        {
            report += traces.stdout
        }
        return report
    }

    /// SIGKILL: no flush, no goodbye; what a crash or an OOM kill does.
    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}

/// Starts a receiver script and reads the port from the line it prints once it listens ("listening on … PORT").
func startReceiver(_ process: Process, failure: String) throws -> Int {
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    var line = ""
    while !line.hasSuffix("\n") {
        let chunk = out.fileHandleForReading.availableData
        if chunk.isEmpty { throw TestFailure(failure) }
        line += String(decoding: chunk, as: UTF8.self)
    }
    guard let port = Int(line.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") else {
        throw TestFailure("receiver said \(line)")
    }
    return port
}

/// A test receiver running as a process of its own (the dashboard's, remote write's), whose state the tests
/// read over HTTP.
protocol PolledReceiver {
    func state() throws -> [String: Any]
}

extension PolledReceiver {
    /// Waits (polling the receiver, bounded) until `condition` holds on its state.
    func wait(seconds: Double = 20, until condition: ([String: Any]) -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition(try state()) { return true }
            usleep(100_000)  // polling another process's state, not waiting on our own code
        }
        return false
    }
}

/// The collectors openapi.yaml names (`CollectorName`), which the contract test holds equal to what the
/// agent runs: the one list the end-to-end tests count against.
func documentedCollectorNames() throws -> [String] {
    let spec = try String(contentsOfFile: Paths.repository + "/openapi.yaml", encoding: .utf8)
    guard let start = spec.range(of: "    CollectorName:"),
        let list = spec[start.upperBound...].range(of: #"enum: \[[^\]]*\]"#, options: .regularExpression)
    else { throw TestFailure("openapi.yaml has no CollectorName enum") }
    return spec[list].dropFirst("enum: [".count).dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
}

/// The environment that points the agent at the captured fixture host.
let fixtureEnvironment = [
    "PROC_ROOT": Paths.fixtureHost + "/proc", "SYS_ROOT": Paths.fixtureHost + "/sys",
    "ROOTFS": Paths.fixtureHost + "/rootfs", "AGENT_HOSTNAME": "fixture-host",
    // One pass for the whole test: the snapshot served is the fixture's and nothing else.
    "COLLECTION_INTERVAL": "3600",
]
