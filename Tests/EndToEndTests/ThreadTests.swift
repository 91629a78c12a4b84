import Foundation
import Testing

/// The running agent's threads: one per job it has (the main thread, which runs every Swift task; signals;
/// the endpoint; the sampler; the push client), none of libdispatch's, and none started or stopped while it
/// pushes, sleeps between requests and is scraped.
@Suite struct ThreadTests {
    @Test func aPushingAgentKeepsItsFiveThreadsAndStartsNoOther() throws {
        let receiver = try Receiver()
        let agent = try RunningAgent(environment: pushEnvironment(receiver, ["HEARTBEAT_INTERVAL": "0.2"]))
        func heartbeats() throws -> Int { try receiver.state()["heartbeats"] as? Int ?? 0 }
        #expect(try receiver.wait { ($0["heartbeats"] as? Int ?? 0) >= 2 && ($0["batches"] as? [Any])?.isEmpty == false })
        let pid = agent.process.processIdentifier
        let first = threads(pid)
        let before = try heartbeats()
        // Twenty requests, each a sleep of the pusher's and a hand-off to the push thread and back.
        #expect(try receiver.wait { ($0["heartbeats"] as? Int ?? 0) >= before + 20 })
        #expect(try agent.get("/metrics").status == 200)
        let last = threads(pid)
        #expect(Set(first.values) == ["shelter-agent", "signals", "http", "sampler", "push"], "\(first)")
        #expect(last == first, "no thread started or stopped: \(first) then \(last)")
        let (status, log) = agent.stop()
        #expect(status == 0, "\(log)")
    }

    /// Thread id to name (comm), from /proc/PID/task.
    private func threads(_ pid: Int32) -> [String: String] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        var names: [String: String] = [:]
        for task in tasks {
            let comm = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/comm", encoding: .utf8)) ?? "?"
            names[task] = comm.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return names
    }
}
