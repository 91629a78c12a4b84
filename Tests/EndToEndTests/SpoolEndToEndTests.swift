import Foundation
import Testing

/// The real binary's spool when its disk misbehaves: damage, a full disk, a read-only one, a state file
/// that cannot be written. Nothing may be lost in silence, nothing delivered sent twice.
@Suite(.serialized) struct SpoolEndToEndTests {
    @Test func aDamagedMiddleRecordCostsOnlyItsSampleAndIsCountedAndLogged() throws {
        let receiver = try Receiver()
        try receiver.control(["mode": "drop"])  // nothing leaves: every sample stays in the spool
        let directory = try temporaryDirectory("spool-damage")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let environment = pushEnvironment(receiver, ["COLLECTION_INTERVAL": "0.05"])
        let first = try RunningAgent(environment: environment, directory: directory)
        #expect(try poll(first, seconds: 15) { spool($0)["samples"] as? Int ?? 0 >= 40 } != nil)
        _ = first.stop()
        let segment = try #require(try FileManager.default.contentsOfDirectory(atPath: directory + "/spool").first { $0.hasPrefix("segment-") })
        let path = directory + "/spool/" + segment
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let records = sampleRecordOffsets(bytes)
        #expect(records.count >= 40)
        for offset in [20, 21, 33] { bytes[records[10] + offset] ^= 0xA5 }  // the eleventh sample
        try Data(bytes).write(to: URL(fileURLWithPath: path))

        try receiver.control(["mode": "ok"])
        // The recovery is logged before the "serving" line that RunningAgent reads up to: read the file.
        let second = try RunningAgent(environment: pushEnvironment(receiver, ["LOG_FILE": "agent.log"]), directory: directory)
        let health = try #require(try poll(second, seconds: 20) { spool($0)["samples"] as? Int == 0 && push($0)["samples_corrupt"] as? Int == 1 })
        #expect(health["status"] as? String == "ok", "damage found at start is counted, not a lasting fault")
        #expect(try second.get("/metrics").body.contains("shelteragent_spool_corrupt_samples_total 1\n"))
        _ = second.stop()
        let log = try String(contentsOfFile: directory + "/agent.log", encoding: .utf8)
        #expect(log.components(separatedBy: "damaged records").count == 2, "logged once: \(log)")
        #expect(log.contains("1 unsent samples lost"), "\(log)")
        let times = receivedSampleTimes(try receiver.metrics())
        let collected = try #require(spoolAcked(directory))
        #expect(times.count == collected - 1, "all but the damaged one: \(times.count) of \(collected)")
        #expect(Set(times).count == times.count)
    }

    @Test(.enabled(if: getuid() == 0, "mounts a tmpfs")) func aFullDiskIsDegradedCountsTheLostSamplesAndRecovers() throws {
        let mount = try TmpfsMount(sizeKiB: 128)
        defer { mount.unmount() }
        let receiver = try Receiver()
        let agent = try RunningAgent(environment: pushEnvironment(receiver, ["SPOOL_DIR": mount.path + "/spool", "COLLECTION_INTERVAL": "0.05"]))
        #expect(try receiver.wait { ($0["batches"] as? [Any])?.isEmpty == false })
        let filler = mount.path + "/filler"
        _ = try? Data(count: 1 << 20).write(to: URL(fileURLWithPath: filler))  // writes until the disk is full
        let full = try #require(try poll(agent, seconds: 15) { push($0)["samples_lost"] as? Int ?? 0 >= 5 })
        #expect(full["status"] as? String == "degraded")
        #expect((spool(full)["error"] as? String ?? "").contains("No space left on device"), "\(full)")
        #expect(try agent.get("/metrics").body.contains("shelteragent_spool_writable 0\n"))

        try FileManager.default.removeItem(atPath: filler)
        let recovered = try #require(try poll(agent, seconds: 15) { $0["status"] as? String == "ok" && spool($0)["error"] is NSNull })
        let lost = push(recovered)["samples_lost"] as? Int ?? 0
        #expect(lost >= 5)
        #expect(try agent.get("/metrics").body.contains("shelteragent_spool_lost_samples_total \(lost)\n"))
        let (_, log) = agent.stop()
        #expect(log.components(separatedBy: "cannot write the spool:").count == 2, "logged once: \(log)")
        #expect(log.contains("the spool can be written again; \(lost) samples could not be kept"), "\(log)")
        let times = receivedSampleTimes(try receiver.metrics())
        #expect(!times.isEmpty && Set(times).count == times.count)
    }

    @Test(.enabled(if: getuid() == 0, "mounts a tmpfs")) func aReadOnlySpoolIsDegradedKeepsSendingAndRecovers() throws {
        let mount = try TmpfsMount(sizeKiB: 4096)
        defer { mount.unmount() }
        let receiver = try Receiver()
        let agent = try RunningAgent(environment: pushEnvironment(receiver, ["SPOOL_DIR": mount.path + "/spool"]))
        #expect(try receiver.wait { ($0["batches"] as? [Any])?.isEmpty == false })
        try mount.remount("ro")
        let readOnly = try #require(try poll(agent, seconds: 10) { push($0)["samples_lost"] as? Int ?? 0 >= 2 })
        #expect(readOnly["status"] as? String == "degraded")
        #expect((spool(readOnly)["error"] as? String ?? "").contains("Read-only file system"), "\(readOnly)")
        try mount.remount("rw")
        #expect(try poll(agent, seconds: 10) { $0["status"] as? String == "ok" && spool($0)["error"] is NSNull } != nil)
        let (_, log) = agent.stop()
        #expect(log.components(separatedBy: "cannot write the spool:").count == 2, "logged once: \(log)")
        #expect(log.contains("the spool can be written again"), "\(log)")
    }

    @Test func aStateFileThatCannotBeWrittenDoesNotMakeARestartSendAgain() throws {
        let receiver = try Receiver()
        let directory = try temporaryDirectory("spool-state")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var agent = try RunningAgent(environment: pushEnvironment(receiver), directory: directory)
        #expect(try receiver.wait { ($0["batches"] as? [Any])?.count ?? 0 >= 2 })
        // A directory where the state file's temporary copy goes: every replacement fails, for root too.
        // mkdir fails (EEXIST) only in the instant a replacement holds the name: try again then.
        var attempts = 0
        while mkdir(directory + "/spool/state.tmp", 0o700) != 0 && attempts < 100 { attempts += 1 }
        #expect(attempts < 100)
        let stale = try #require(spoolAcked(directory))
        let degraded = try #require(try poll(agent, seconds: 10) { (spool($0)["error"] as? String ?? "").contains("state file") })
        #expect(degraded["status"] as? String == "degraded")
        let before = try receiver.state()["batches"] as? [Any] ?? []
        #expect(try receiver.wait { ($0["batches"] as? [Any])?.count ?? 0 >= before.count + 3 })
        // Nothing in flight at the kill: what the receiver stored is exactly what was acknowledged.
        try receiver.control(["mode": "drop"])
        #expect(try poll(agent, seconds: 10) { push($0)["dashboard_reachable"] as? Bool == false } != nil)
        agent.kill9()
        let delivered = receivedSampleTimes(try receiver.metrics()).count
        #expect(spoolAcked(directory) == stale && stale < delivered, "the state file is stale: \(stale) < \(delivered)")

        try receiver.control(["mode": "ok"])
        agent = try RunningAgent(environment: pushEnvironment(receiver), directory: directory)
        let count = (try receiver.state()["batches"] as? [Any] ?? []).count
        #expect(try receiver.wait { ($0["batches"] as? [Any])?.count ?? 0 >= count + 2 })
        _ = agent.stop()
        let times = receivedSampleTimes(try receiver.metrics())
        #expect(Set(times).count == times.count, "no sample twice: \(times.count - Set(times).count) sent again")
        let state = try receiver.state()
        #expect(state["duplicate_batches"] as? Int == 0 && state["duplicate_items"] as? Int == 0, "no batch twice, no item twice")
    }

    func push(_ health: [String: Any]) -> [String: Any] { health["push"] as? [String: Any] ?? [:] }
    func spool(_ health: [String: Any]) -> [String: Any] { push(health)["spool"] as? [String: Any] ?? [:] }

    /// Polls the agent's health (bounded) until `condition` holds; the health that satisfied it, or nil.
    func poll(_ agent: RunningAgent, seconds: Double, _ condition: ([String: Any]) -> Bool) throws -> [String: Any]? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let health = try agent.get("/api/v1/health").json, condition(health) { return health }
            usleep(100_000)  // polling another process, not waiting on our own code
        }
        return nil
    }

    /// Where each version 2 sample record starts: its magic, then kind 1 after the checksum.
    func sampleRecordOffsets(_ bytes: [UInt8]) -> [Int] {
        let magic: [UInt8] = [0xA7, 0x53, 0x50, 0x4C]
        guard bytes.count >= 10 else { return [] }
        return (0...(bytes.count - 10)).filter { bytes[$0..<$0 + 4].elementsEqual(magic) && bytes[$0 + 8] == 1 && bytes[$0 + 9] == 56 }
    }
}

/// A small tmpfs of the test's own, for a disk that fills up or turns read-only; root only.
struct TmpfsMount {
    let path = NSTemporaryDirectory() + "shelteragent-tmpfs-\(UUID().uuidString)"

    init(sizeKiB: Int) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        #expect(try run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(sizeKiB)k", "tmpfs", path]).status == 0)
    }

    func remount(_ mode: String) throws {
        let result = try run("/bin/mount", ["-o", "remount,\(mode)", path])
        guard result.status == 0 else { throw TestFailure("remount \(mode): \(result.stderr)") }
    }

    func unmount() {
        _ = try? run("/bin/umount", [path])
        try? FileManager.default.removeItem(atPath: path)
    }
}
