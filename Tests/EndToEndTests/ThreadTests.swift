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
        // Twenty requests, each a sleep of the push thread's.
        #expect(try receiver.wait { ($0["heartbeats"] as? Int ?? 0) >= before + 20 })
        #expect(try agent.get("/metrics").status == 200)
        let last = threads(pid)
        #expect(Set(first.values) == ["shelter-agent", "signals", "http", "sampler", "push"], "\(first)")
        #expect(last == first, "no thread started or stopped: \(first) then \(last)")
        let (status, log) = agent.stop()
        #expect(status == 0, "\(log)")
    }

    /// The pusher's schedule is the push thread's alone: as a task, each heartbeat woke the main thread (which
    /// runs the Swift tasks) three times, for its sleep, the hand-off to the push thread and the answer.
    @Test func heartbeatsDoNotWakeTheMainThread() throws {
        let receiver = try Receiver()
        let agent = try RunningAgent(environment: pushEnvironment(receiver, ["HEARTBEAT_INTERVAL": "0.2"]))
        #expect(try receiver.wait { ($0["heartbeats"] as? Int ?? 0) >= 2 })
        let pid = agent.process.processIdentifier
        let before = try receiver.state()["heartbeats"] as? Int ?? 0
        let wakesBefore = try timesRun(pid, pid)
        #expect(try receiver.wait { ($0["heartbeats"] as? Int ?? 0) >= before + 20 })
        let wakes = try timesRun(pid, pid) - wakesBefore
        // None of the pusher's work runs there now (0 here); the build before this test woke it 138 times.
        #expect(wakes < 10, "the main thread ran \(wakes) times during 20 heartbeats")
        let (status, log) = agent.stop()
        #expect(status == 0, "\(log)")
    }

    /// How many times the thread has been scheduled to run: the third field of its schedstat.
    private func timesRun(_ pid: Int32, _ tid: Int32) throws -> Int {
        let text = try String(contentsOfFile: "/proc/\(pid)/task/\(tid)/schedstat", encoding: .utf8)
        return Int(text.split(separator: " ")[2].trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
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
