import Foundation
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

    @Test func formatsLinesLikeTheReferenceAgent() {
        #expect(AgentLogHandler.levelName(.warning) == "WARNING")
        let stamp = AgentLogHandler.localTimestamp()
        #expect(stamp.count == 19 && stamp.dropFirst(4).first == "-" && stamp.dropFirst(10).first == " ")
    }
}
