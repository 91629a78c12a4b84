import Foundation
import Logging
import Testing

@testable import Agent

@Suite struct LogSinkTests {
    @Test func rotatesBySizeKeepingTheConfiguredBackups() throws {
        let directory = NSTemporaryDirectory() + "shelteragent-log-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/agent.log"
        let sink = LogSink(path: path, console: .none, maxBytes: 4096, backups: 2)
        try sink.open()
        let line = String(repeating: "x", count: 999)  // 1000 bytes with its newline: four fit per file
        for _ in 0..<13 { sink.write(line) }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(files == ["agent.log", "agent.log.1", "agent.log.2"])
        for file in files {
            let size = try #require(try FileManager.default.attributesOfItem(atPath: directory + "/" + file)[.size] as? Int)
            #expect(size <= 4096)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == line + "\n")
    }

    @Test func reopenFollowsThePathAfterTheFileWasMoved() throws {
        let directory = NSTemporaryDirectory() + "shelteragent-log-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/agent.log"
        let sink = LogSink(path: path, console: .none, maxBytes: 1 << 20, backups: 2)
        try sink.open()
        sink.write("before")
        #expect(rename(path, path + ".moved") == 0)
        sink.write("still to the moved file, as logrotate expects until it signals")
        try sink.reopen()
        sink.write("after")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "after\n")
        #expect(try String(contentsOfFile: path + ".moved", encoding: .utf8).hasPrefix("before\nstill"))
    }

    @Test func aRecordIsOneLineWhateverItQuotes() throws {
        let directory = NSTemporaryDirectory() + "shelteragent-log-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sink = LogSink(path: directory + "/agent.log", console: .none, maxBytes: 1 << 20, backups: 0)
        try sink.open()
        let handler = AgentLogHandler(label: "agent", sink: sink, logLevel: .info)
        handler.log(
            event: LogEvent(
                level: .info, message: "host a\n2026-01-01 00:00:00 - agent - CRITICAL - forged",
                metadata: ["k": "v\r\nx"], source: "t", file: #fileID, function: #function, line: #line))
        let text = try String(contentsOfFile: directory + "/agent.log", encoding: .utf8)
        #expect(text.split(separator: "\n").count == 1, "\(text)")
        #expect(text.hasSuffix(" - agent - INFO - host a\\n2026-01-01 00:00:00 - agent - CRITICAL - forged k=v\\r\\nx\n"))
    }

    @Test func formatsLinesLikeTheReferenceAgent() {
        #expect(AgentLogHandler.levelName(.warning) == "WARNING")
        let stamp = AgentLogHandler.localTimestamp()
        #expect(stamp.count == 19 && stamp.dropFirst(4).first == "-" && stamp.dropFirst(10).first == " ")
    }
}
