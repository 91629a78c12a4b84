import Foundation
import Testing

/// What reaches the log file and the console: never a password from SERVER_URL, and never a line that a
/// setting's value forged.
@Suite struct LogSafetyTests {
    @Test func aPasswordInServerURLNeverReachesTheLog() throws {
        let receiver = try Receiver()
        let url = receiver.url.replacing("http://", with: "http://ops:hunter22@")
        let agent = try RunningAgent(
            environment: pushEnvironment(receiver, ["SERVER_URL": url, "LOG_FILE": "agent.log", "LOG_LEVEL": "debug"]))
        #expect(try receiver.wait { ($0["batches"] as? [Any])?.isEmpty == false })
        // The failure paths log too: an outage, then the recovery.
        func reachable() -> Bool? {
            ((try? agent.get("/api/v1/health").json)?["push"] as? [String: Any])?["dashboard_reachable"] as? Bool
        }
        try receiver.control(["mode": "drop"])
        #expect(poll(seconds: 20) { reachable() == false })
        try receiver.control(["mode": "ok"])
        #expect(poll(seconds: 20) { reachable() == true })
        let file = try String(contentsOfFile: agent.directory + "/agent.log", encoding: .utf8)
        // The console after the serving line (RunningAgent read the lines before it).
        let (_, console) = agent.stop()
        #expect(!file.contains("hunter22") && !console.contains("hunter22"), "\(file)\(console)")
        #expect(file.contains("pushing to http://ops:***@127.0.0.1:\(receiver.port);"), "\(file)")
        #expect(file.contains("dashboard unreachable") && file.contains("reachable again"), "\(file)")
        #expect(console.contains("reachable again"), "\(console)")
        let check = try runAgentBounded(
            ["--check-config", "--listen", "127.0.0.1:0"], environment: fixtureEnvironment.merging(["SERVER_URL": url]) { $1 })
        #expect(check.stdout.contains("ok: dashboard http://ops:***@127.0.0.1:\(receiver.port)/health answers 200"), "\(check.stdout)")
        #expect(!check.stdout.contains("hunter22") && !check.stderr.contains("hunter22"))
    }

    @Test func aNewlineInASettingCannotForgeALogLine() throws {
        let forged = "2026-01-01 00:00:00 - agent - CRITICAL - forged"
        let directory = try temporaryDirectory("forged")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let agent = try RunningAgent(
            environment: fixtureEnvironment.merging(["AGENT_HOSTNAME": "web-1\n\(forged)\r", "LOG_FILE": "agent.log"]) { $1 },
            directory: directory)
        func file() -> String { (try? String(contentsOfFile: directory + "/agent.log", encoding: .utf8)) ?? "" }
        // The console gets each line just before the file does: wait for the file's copy of the ready line.
        #expect(poll(seconds: 5) { file().contains(" serving http://") })
        let (status, console) = agent.stop()
        #expect(status == 0)
        let timestamped = #/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d - [a-z]+ - [A-Z]+ - /#
        let lines = file().split(separator: "\n")
        #expect(lines.count >= 2 && lines.allSatisfy { $0.firstMatch(of: timestamped) != nil }, "\(file())")
        #expect(file().contains("as web-1\\n\(forged)\\r\n"), "the value is there, escaped: \(file())")
        #expect(!console.split(separator: "\n").contains { $0.hasPrefix(forged) }, "\(console)")
        let refused = try runAgentBounded([], environment: ["COLLECTION_INTERVAL": "5\n\(forged)"])
        #expect(refused.status == 2 && refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
    }
}
