import Foundation
import Testing

/// The agent gives back the file pages it mapped and does not use (MEMORY_TRIM_INTERVAL), and goes on
/// serving from the pages it reads back.
@Suite struct MemoryReleaseTests {
    /// Resident bytes of `path` in the page cache, by util-linux's fincore.
    static func cachedBytes(_ path: String) throws -> Int {
        let result = try run("fincore", ["--bytes", "--noheadings", "--output", "RES", path])
        guard let bytes = Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestFailure("fincore: \(result.stdout) \(result.stderr)")
        }
        return bytes
    }

    @Test(.timeLimit(.minutes(1))) func releasesUnusedFilePagesAndKeepsServing() throws {
        // A binary of its own: pages shared with the agents of other tests could not be released.
        let directory = NSTemporaryDirectory() + "shelteragent-release-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let binary = directory + "/shelter-agent"
        try FileManager.default.copyItem(atPath: Paths.agent, toPath: binary)
        let size = try FileManager.default.attributesOfItem(atPath: binary)[.size] as! Int
        #expect(try Self.cachedBytes(binary) > size / 2, "the copy was just written: its pages are cached")

        let agent = try RunningAgent(
            environment: ["MEMORY_TRIM_INTERVAL": "1", "COLLECTION_INTERVAL": "0.2", "LOG_FILE": "agent.log",
                          "LOG_LEVEL": "debug"],
            directory: directory, executable: binary)
        let log = directory + "/agent.log"
        var released: (before: Double, after: Double)?
        var cached = Int.max
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline && (released == nil || cached > size / 4) {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if released == nil, let match = text.firstMatch(of: /released [\d.]+ MiB of mapped file pages not in use \(\d+ mappings\): RSS ([\d.]+) → ([\d.]+) MiB/) {
                released = (Double(match.1)!, Double(match.2)!)
            }
            cached = try Self.cachedBytes(binary)
            usleep(50_000)
        }
        let metrics = try agent.get("/metrics")
        let (status, _) = agent.stop()
        let figures = try #require(released, "no release logged within 30 s")
        // The binary's code alone is most of a fresh agent's RSS; what it does not run goes.
        #expect(figures.after < figures.before - 2, "RSS \(figures.before) → \(figures.after) MiB")
        // Out of the page cache as well, not only unmapped: what is left is what the agent runs.
        #expect(cached < size / 4, "\(cached) of \(size) bytes still cached")
        #expect(metrics.status == 200 && metrics.body.contains("node_cpu_seconds_total"))
        #expect(status == 0)
    }
}
