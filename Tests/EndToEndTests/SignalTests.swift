import Foundation
import Testing

/// Signals as an init system, logrotate and a shell pipeline send them: SIGPIPE, SIGHUP, SIGUSR1/2, and
/// SIGTERM/SIGINT against a dashboard that never answers.
@Suite struct SignalTests {
    /// The agent with its log in `agent.log` of a new directory and stderr on a pipe whose reading end is
    /// closed as soon as it starts, as when `shelter-agent | head` ends: every console write gets EPIPE
    /// (SIGPIPE by default, which kills).
    @Test func aClosedConsoleReaderDoesNotKillTheAgent() throws {
        let directory = try temporaryDirectory("sigpipe")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        // Close-on-exec on the reading end: the agent must not hold a reader of its own stderr.
        #expect(fcntl(ends[0], F_SETFD, FD_CLOEXEC) == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Paths.agent)
        process.arguments = ["--listen", "127.0.0.1:0"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = fixtureEnvironment.merging(
            ["PATH": "/usr/bin:/bin", "LOG_FILE": "agent.log", "SWIFT_BACKTRACE": "enable=no"]) { $1 }
        process.standardError = FileHandle(fileDescriptor: ends[1], closeOnDealloc: false)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        close(ends[0])
        close(ends[1])
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let log = directory + "/agent.log"
        func logText() -> String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        #expect(poll(seconds: 10) { logText().contains(" serving http://") || !process.isRunning }, "\(logText())")
        let served = try #require(logText().firstMatch(of: #/serving (http://[^ ]+)/#)?.1, "\(logText())")
        // More console writes, each one failing with EPIPE now that nobody reads.
        kill(process.processIdentifier, SIGHUP)
        kill(process.processIdentifier, SIGUSR1)
        #expect(poll(seconds: 5) { logText().contains("SIGUSR1 received and ignored") }, "\(logText())")
        #expect(process.isRunning, "alive after writing to a closed pipe")
        #expect(try curl(served + "/api/v1/health").status == 200)
        process.terminate()
        #expect(poll(seconds: 5) { !process.isRunning })
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        #expect(logText().hasSuffix(" - agent - INFO - stopped\n"), "\(logText())")
    }

    @Test func sighupReopensTheLogFileAtItsPath() throws {
        let directory = try temporaryDirectory("sighup")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let agent = try RunningAgent(
            environment: fixtureEnvironment.merging(["LOG_FILE": "agent.log"]) { $1 }, directory: directory)
        let log = directory + "/agent.log", moved = directory + "/agent.log.1"
        func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        // The console gets the ready line before the file does: rotate only once the file has it too.
        #expect(poll(seconds: 5) { text(log).contains(" serving http://") }, "\(text(log))")
        #expect(rename(log, moved) == 0)  // what logrotate does before it signals
        kill(agent.process.processIdentifier, SIGHUP)
        #expect(poll(seconds: 5) { text(log).contains("SIGHUP received: log file agent.log reopened") }, "\(text(log))")
        kill(agent.process.processIdentifier, SIGUSR2)
        #expect(poll(seconds: 5) { text(log).contains("SIGUSR2 received and ignored") }, "\(text(log))")
        #expect(try agent.get("/api/v1/health").status == 200)
        let (status, console) = agent.stop()
        #expect(status == 0, "\(console)")
        #expect(text(moved).contains(" serving http://") && !text(moved).contains("reopened"), "the old file keeps the old lines")
        #expect(text(log).hasSuffix(" - agent - INFO - stopped\n"), "new lines go to the new file: \(text(log))")
    }

    /// SIGTERM and SIGINT, alternately, with a request stuck on a dashboard that takes 30 s to answer and
    /// SHUTDOWN_FLUSH_SECONDS at its default 1.5: each run exits 0 in under 2 s, final flush included.
    @Test func stopSignalsExitWithin2SecondsWithAHungDashboard() throws {
        var took: [Double] = []
        for run in 0..<6 {
            let receiver = try Receiver()
            var environment = pushEnvironment(receiver)
            environment["SHUTDOWN_FLUSH_SECONDS"] = nil  // the default, 1.5
            let agent = try RunningAgent(environment: environment)
            #expect(try receiver.wait { ($0["heartbeats"] as? Int ?? 0) >= 1 })
            try receiver.control(["mode": "slow"])
            // The next heartbeat (one a second) is held by the receiver: a request is under way and stuck.
            #expect(try receiver.wait(seconds: 10) { ($0["stalled"] as? Int ?? 0) >= 1 })
            let before = Date()
            kill(agent.process.processIdentifier, run % 2 == 0 ? SIGTERM : SIGINT)
            #expect(poll(seconds: 10) { !agent.process.isRunning })
            took.append(Date().timeIntervalSince(before))
            let (status, log) = agent.stop()
            #expect(status == 0, "\(log)")
            #expect(log.contains("final flush stopped") || log.contains("final flush sent everything"), "\(log)")
        }
        #expect(took.allSatisfy { $0 < 2 }, "stop took \(took) s")
    }
}

/// What a test leaves behind when an agent does not stop: enough to tell where it hangs.
@Suite struct HangReportTests {
    @Test func namesEachThreadWithItsStateAndWaitChannel() throws {
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["60"]
        try sleeper.run()
        defer { kill(sleeper.processIdentifier, SIGKILL) }
        let report = RunningAgent.hangReport(sleeper.processIdentifier)
        let pid = sleeper.processIdentifier
        #expect(report.contains("\(pid) sleep State:"), "\(report)")
        #expect(report.contains("wchan="), "\(report)")
        // gdb is installed by .ci/run for these backtraces.
        #expect(report.contains("#0 "), "gdb's backtrace: \(report)")
    }
}
