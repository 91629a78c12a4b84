import Foundation
import Testing

/// The real binary on the real /proc: what a process's command line looks like once served.
@Suite(.serialized) struct ScrubbingTests {
    /// A python3 that sleeps with `arguments` in its argv, returned once it is running.
    func sleeper(_ arguments: [String]) throws -> Process {
        let process = Process(), output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", "import time; print('ready', flush=True); time.sleep(30)"] + arguments
        process.standardOutput = output
        try process.run()
        _ = output.fileHandleForReading.readData(ofLength: 6)
        return process
    }

    /// The sleeper's command as the agent serves it, polled (bounded) until the agent has seen it.
    func servedCommand(_ environment: [String: String], pid: Int32) throws -> String? {
        let agent = try RunningAgent(environment: ["COLLECTION_INTERVAL": "0.2", "PROCESS_TOP_N": "1000"].merging(environment) { $1 })
        defer { _ = agent.stop() }
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let table = try agent.get("/api/v1/processes?sort=memory&limit=1000").json?["processes"] as? [[String: Any]] ?? []
            if let found = table.first(where: { $0["pid"] as? Int == Int(pid) }) { return found["command"] as? String }
            usleep(100_000)  // polling another process, not waiting on our own code
        }
        return nil
    }

    @Test func secretsAreMaskedAndArgsModeKeepsOnlyTheProgram() throws {
        let child = try sleeper(["--mode=fast --password=hunter2", "-u", "alice:pw", "Authorization: Bearer tok"])
        defer {
            kill(child.processIdentifier, SIGKILL)  // not SIGTERM: the test runner ignores it, and so do its children
            child.waitUntilExit()
        }
        let masked = try #require(try servedCommand([:], pid: child.processIdentifier))
        #expect(masked.hasSuffix("--mode=fast --password=******** -u alice:******** Authorization: ********"), "\(masked)")
        #expect(!masked.contains("hunter2") && !masked.contains("tok"))
        let bare = try #require(try servedCommand(["SCRUB_COMMAND_LINES": "args"], pid: child.processIdentifier))
        #expect(bare == "/usr/bin/python3")
    }
}
