import Foundation

/// The agent run to completion like `runAgent`, but killed at a deadline: for inputs that used to hang it
/// (a FIFO as .env) or that it might wrongly accept and start serving with. `timedOut` says it was killed.
struct BoundedResult {
    var status: Int32
    var stdout: String
    var stderr: String
    var timedOut: Bool
    /// Killed by a signal (a trap is SIGILL or SIGTRAP), not exited.
    var signaled: Bool
}

func runAgentBounded(
    _ arguments: [String], environment: [String: String] = [:], directory: String? = nil, seconds: Double = 10
) throws -> BoundedResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Paths.agent)
    process.arguments = arguments
    process.environment = ["PATH": "/usr/bin:/bin", "LOG_FILE": "", "SWIFT_BACKTRACE": "enable=no"]
        .merging(environment) { _, new in new }
    // A directory of its own unless told: an agent that wrongly starts must not leave a spool in the repository.
    let scratch = directory == nil ? try temporaryDirectory("bounded") : nil
    defer { if let scratch { try? FileManager.default.removeItem(atPath: scratch) } }
    process.currentDirectoryURL = URL(fileURLWithPath: directory ?? scratch!)
    // Files, not pipes: nothing has to be read while it runs, so nothing can block on a full pipe.
    let base = NSTemporaryDirectory() + "shelteragent-bounded-\(UUID().uuidString)"
    _ = FileManager.default.createFile(atPath: base + ".out", contents: nil)
    _ = FileManager.default.createFile(atPath: base + ".err", contents: nil)
    defer {
        try? FileManager.default.removeItem(atPath: base + ".out")
        try? FileManager.default.removeItem(atPath: base + ".err")
    }
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: base + ".out"))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: base + ".err"))
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(seconds)
    while process.isRunning && Date() < deadline { usleep(5_000) }  // polling another process's exit
    let timedOut = process.isRunning
    if timedOut { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    return BoundedResult(
        status: process.terminationStatus,
        stdout: (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? "",
        stderr: (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? "", timedOut: timedOut,
        signaled: process.terminationReason == .uncaughtSignal)
}

/// Polls `condition` every 20 ms until it holds or `seconds` pass; whether it held.
func poll(seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        usleep(20_000)  // polling another process's state, not waiting on our own code
    }
    return try condition()
}
