import API
import Foundation
import Logging
import Synchronization
import Testing

@testable import Agent

@Suite struct SpoolTests {
    let directory = NSTemporaryDirectory() + "shelteragent-spool-\(UUID().uuidString)"

    func sample(_ sequence: UInt64) -> DashboardSample {
        DashboardSample(
            sequence: sequence, time: 1_700_000_000 + Double(sequence) * 5, cpuPercent: Double(sequence),
            memoryPercent: 50, diskPercent: 10, networkMbps: sequence == 1 ? nil : 1.5, ioMBps: nil)
    }

    func segments() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("segment-") }.sorted()
    }

    @Test func samplesSurviveARestartAndLeaveOnlyWhenAcknowledged() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try Spool(directory: directory, maxBytes: 1 << 20)
        for _ in 1...10 { try spool.append(sample) }
        let batch = try #require(spool.nextBatch(limit: 4))
        #expect(batch.samples.map(\.sequence) == [1, 2, 3, 4])
        #expect(batch.samples[0] == sample(1), "nil figures stay nil through the record codec")

        let reopened = try Spool(directory: directory, maxBytes: 1 << 20)
        let again = try #require(reopened.nextBatch(limit: 100))
        #expect(again == batch, "the batch in flight keeps its samples and id across a restart")
        reopened.acknowledge(through: again.last)
        #expect(reopened.nextBatch(limit: 100)?.samples.map(\.sequence) == Array(5...10))
        #expect(reopened.status.samples == 6)
        try reopened.append(sample)
        #expect(reopened.status.samples == 7, "numbering continues after a restart: \(reopened.status)")
        #expect(reopened.status.problem == nil && reopened.status.corrupt == 0 && reopened.status.lost == 0)
    }

    @Test func aTornLastRecordIsCutOffCountedAndTheRestKept() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try Spool(directory: directory, maxBytes: 1 << 20)
        for _ in 1...3 { try spool.append(sample) }
        let path = directory + "/" + (try #require(try segments().first))
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        // What a SIGKILL mid-write leaves: the first 30 bytes of the fourth sample's record.
        try append(Array(SpoolFormat.encode(.sample(sample(4))).prefix(30)), to: path)
        let log = LogLines()
        let reopened = try Spool(directory: directory, maxBytes: 1 << 20, logger: log.logger)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0 > size, "cut back, then a position record")
        #expect(reopened.nextBatch(limit: 10)?.samples.map(\.sequence) == [1, 2, 3])
        #expect(reopened.status.corrupt == 1, "the torn record held a sample")
        #expect(log.lines.count { $0.contains("damaged records") } == 1, "\(log.lines)")
        try reopened.append(sample)
        #expect(reopened.nextBatch(limit: 10)?.samples.map(\.sequence) == [1, 2, 3], "in flight stays as it was")
        reopened.acknowledge(through: 3)
        #expect(reopened.nextBatch(limit: 10)?.samples.map(\.sequence) == [4])
        #expect(try Spool(directory: directory, maxBytes: 1 << 20).status.corrupt == 1, "counted once, not again at each start")
    }

    @Test func aDamagedMiddleRecordCostsOnlyItselfAndIsCountedAndLogged() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try Spool(directory: directory, maxBytes: 1 << 20)
        for _ in 1...40 { try spool.append(sample) }
        let path = directory + "/" + (try #require(try segments().first))
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let at = try #require(find(SpoolFormat.encode(.sample(sample(20))), in: bytes))
        for offset in [at + 12, at + 13, at + 40] { bytes[offset] ^= 0x5A }  // a few flipped bytes in sample 20
        try Data(bytes).write(to: URL(fileURLWithPath: path))

        let log = LogLines()
        let reopened = try Spool(directory: directory, maxBytes: 1 << 20, logger: log.logger)
        let sent = try #require(reopened.nextBatch(limit: 100)).samples.map(\.sequence)
        #expect(sent == Array(1...19) + Array(21...40), "everything after the damage is kept")
        #expect(reopened.status.corrupt == 1 && reopened.status.samples == 39)
        let warnings = log.lines.filter { $0.contains("damaged records") }
        #expect(warnings.count == 1 && warnings[0].contains("1 unsent samples lost"), "\(log.lines)")
        #expect(try Spool(directory: directory, maxBytes: 1 << 20).status.corrupt == 1, "the segment was rewritten clean")
    }

    @Test func damageAlreadyAcknowledgedIsNotCounted() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try Spool(directory: directory, maxBytes: 1 << 20)
        for _ in 1...10 { try spool.append(sample) }
        spool.acknowledge(through: 5)
        let path = directory + "/" + (try #require(try segments().first))
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[try #require(find(SpoolFormat.encode(.sample(sample(3))), in: bytes)) + 20] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let reopened = try Spool(directory: directory, maxBytes: 1 << 20)
        #expect(reopened.status.corrupt == 0)
        #expect(reopened.nextBatch(limit: 100)?.samples.map(\.sequence) == Array(6...10))
    }

    @Test func theAcknowledgedPositionSurvivesAStateFileThatCannotBeWritten() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = LogLines()
        let spool = try Spool(directory: directory, maxBytes: 1 << 20, logger: log.logger)
        for _ in 1...10 { try spool.append(sample) }
        // A directory where the temporary file would go: every replacement of `state` fails, as root too.
        try FileManager.default.createDirectory(atPath: directory + "/state.tmp", withIntermediateDirectories: false)
        let first = try #require(spool.nextBatch(limit: 4))
        spool.acknowledge(through: first.last)
        let second = try #require(spool.nextBatch(limit: 3))
        spool.acknowledge(through: second.last)
        #expect(spool.status.problem?.contains("state file") == true, "\(spool.status)")
        #expect(log.lines.count { $0.contains("state file") } == 1, "logged once: \(log.lines)")
        #expect(try String(contentsOfFile: directory + "/state", encoding: .utf8).contains("acked 0\n"), "the state file is stale")

        let reopened = try Spool(directory: directory, maxBytes: 1 << 20)
        #expect(reopened.nextBatch(limit: 100)?.samples.map(\.sequence) == [8, 9, 10], "nothing delivered comes back")
        try FileManager.default.removeItem(atPath: directory + "/state.tmp")
        try reopened.append(sample)
        #expect(reopened.status.problem == nil, "writable again, retried on the next append")
    }

    /// A batch reads the newest segment from where its acknowledged records end, not from its start.
    @Test func aBatchReadsOnlyWhatFollowsTheAcknowledgedRecords() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try Spool(directory: directory, maxBytes: 1 << 20)
        for _ in 1...300 { try spool.append(sample) }
        #expect(spool.pendingOffsets == [0])
        while let batch = spool.nextBatch(limit: 100) { spool.acknowledge(through: batch.last) }
        let path = directory + "/" + (try #require(try segments().last))
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(spool.pendingOffsets == [size], "all of it acknowledged")
        for _ in 1...3 { try spool.append(sample) }
        let batch = try #require(spool.nextBatch(limit: 100))
        #expect(batch.samples.map(\.sequence) == [301, 302, 303])
        #expect(batch.samples.last == sample(303))
        spool.acknowledge(through: batch.last)
        #expect(spool.nextBatch(limit: 100) == nil)
        // A restart reads the segment whole again, and finds nothing unsent either.
        let reopened = try Spool(directory: directory, maxBytes: 1 << 20)
        #expect(reopened.pendingOffsets == [0] && reopened.nextBatch(limit: 100) == nil)
        try reopened.append(sample)
        #expect(reopened.nextBatch(limit: 100)?.samples.map(\.sequence) == [304])
    }

    /// The state file is replaced without fsync; a power cut can leave it empty.
    @Test func anEmptyStateFileLosesToTheSegments() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try Spool(directory: directory, maxBytes: 1 << 20)
        for _ in 1...10 { try spool.append(sample) }
        spool.acknowledge(through: try #require(spool.nextBatch(limit: 6)).last)
        try "".write(toFile: directory + "/state", atomically: false, encoding: .utf8)
        let reopened = try Spool(directory: directory, maxBytes: 1 << 20)
        #expect(reopened.nextBatch(limit: 100)?.samples.map(\.sequence) == [7, 8, 9, 10])
        #expect(reopened.status.problem == nil && reopened.status.corrupt == 0, "\(reopened.status)")
    }

    @Test func aDamagedPositionRecordFallsBackToTheOneBefore() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try Spool(directory: directory, maxBytes: 1 << 20)
        for _ in 1...10 { try spool.append(sample) }
        spool.acknowledge(through: 4)
        spool.acknowledge(through: 6)
        try FileManager.default.removeItem(atPath: directory + "/state")
        let path = directory + "/" + (try #require(try segments().first))
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let positions = SpoolFormat.parse(bytes, version: .v2).positions
        let last = try #require(positions.last { $0.acked == 6 })
        bytes[try #require(find(SpoolFormat.encode(.position(last)), in: bytes)) + 15] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let reopened = try Spool(directory: directory, maxBytes: 1 << 20)
        #expect(reopened.nextBatch(limit: 100)?.samples.map(\.sequence) == Array(5...10), "at least once: 5 and 6 again")
        #expect(reopened.status.corrupt == 0, "a position record holds no sample")
    }

    @Test func aVersion1SpoolIsReadThenLeftForVersion2() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // What the previous release wrote: [56][crc32][sample] records and a four-line state file.
        func v1(_ sequences: ClosedRange<UInt64>) -> [UInt8] {
            sequences.flatMap { sequence in
                let payload = SpoolRecord.encode(sample(sequence))
                return SpoolFormat.littleEndian(UInt32(56)) + SpoolFormat.littleEndian(SpoolFormat.crc32(payload[...])) + payload
            }
        }
        var first = v1(1...3)
        first[64 + 30] ^= 0x10  // sample 2 damaged: on the 64-byte grid only it is lost
        try Data(first).write(to: URL(fileURLWithPath: directory + "/segment-00000000000000000001.spool"))
        try Data(v1(4...6)).write(to: URL(fileURLWithPath: directory + "/segment-00000000000000000004.spool"))
        try "epoch 0badcafe\nacked 1\ninflight 4\ndropped 7\n".write(toFile: directory + "/state", atomically: true, encoding: .utf8)

        let spool = try Spool(directory: directory, maxBytes: 1 << 20)
        // The damaged one rewritten; the clean one read as it is, and a version 2 one begun for what follows.
        #expect(
            try segments() == [
                "segment-00000000000000000001.spool2", "segment-00000000000000000004.spool", "segment-00000000000000000007.spool2",
            ])
        let batch = try #require(spool.nextBatch(limit: 100))
        #expect(batch.id == "0badcafe-3-4" && batch.samples.map(\.sequence) == [3, 4], "the batch in flight, same id")
        #expect(spool.status.dropped == 7 && spool.status.corrupt == 1 && spool.status.samples == 4, "\(spool.status)")
        spool.acknowledge(through: 4)
        #expect(spool.nextBatch(limit: 100)?.samples.map(\.sequence) == [5, 6])
        try spool.append(sample)
        #expect(try segments() == ["segment-00000000000000000004.spool", "segment-00000000000000000007.spool2"], "never appended to")
        spool.acknowledge(through: 6)
        #expect(try segments() == ["segment-00000000000000000007.spool2"])
        #expect(spool.nextBatch(limit: 100)?.samples.map(\.sequence) == [7])
    }

    @Test func aFullSpoolDropsTheOldestAndCountsThem() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try Spool(directory: directory, maxBytes: 2048)
        for _ in 1...80 { try spool.append(sample) }
        let status = spool.status
        #expect(status.bytes <= 2048)
        #expect(status.dropped == 80 - UInt64(status.samples))
        let batch = try #require(spool.nextBatch(limit: 100))
        #expect(batch.last == 80 && batch.first == 81 - UInt64(status.samples), "the newest are kept: \(status)")
        let reopened = try Spool(directory: directory, maxBytes: 2048)
        #expect(reopened.status.dropped == status.dropped && reopened.status.samples == status.samples)
    }

    @Test(.enabled(if: getuid() == 0, "mounts a tmpfs")) func aFullDiskLosesCountedSamplesAndRecoversByItself() throws {
        let mount = try TmpfsMount(sizeKiB: 64)
        defer { mount.unmount() }
        let log = LogLines()
        let spool = try Spool(directory: mount.path + "/spool", maxBytes: 1 << 20, logger: log.logger)
        for _ in 1...5 { try spool.append(sample) }
        let filler = mount.path + "/filler"
        _ = try? Data(count: 1 << 20).write(to: URL(fileURLWithPath: filler))  // fills it up, then fails
        var failures = 0
        for _ in 1...200 { if (try? spool.append(sample)) == nil { failures += 1 } }
        #expect(failures > 0 && spool.status.lost == UInt64(failures), "\(spool.status)")
        #expect(spool.status.problem?.contains("No space left") == true, "\(spool.status)")
        #expect(log.lines.count { $0.contains("cannot write the spool") } == 1, "logged once: \(log.lines)")

        try FileManager.default.removeItem(atPath: filler)
        try spool.append(sample)
        #expect(spool.status.problem == nil)
        #expect(log.lines.contains { $0.contains("can be written again; \(failures) samples could not be kept") }, "\(log.lines)")
        let kept = try #require(spool.nextBatch(limit: 100)).samples.map(\.sequence)
        #expect(kept == Array(1...UInt64(kept.count)), "consecutive: a lost sample's number went to the next")
        let reopened = try Spool(directory: mount.path + "/spool", maxBytes: 1 << 20)
        #expect(reopened.status.corrupt == 0 && reopened.status.lost == UInt64(failures), "no half record left behind")
        #expect(reopened.nextBatch(limit: 100)?.samples.map(\.sequence) == kept)
    }

    @Test(.enabled(if: getuid() == 0, "mounts a tmpfs")) func aReadOnlySpoolIsDegradedAndRecoversWhenWritable() throws {
        let mount = try TmpfsMount(sizeKiB: 1024)
        defer { mount.unmount() }
        let spool = try Spool(directory: mount.path + "/spool", maxBytes: 1 << 20)
        for _ in 1...3 { try spool.append(sample) }
        try mount.remount("ro")
        #expect((try? spool.append(sample)) == nil)
        #expect(spool.status.lost == 1 && spool.status.problem?.contains("Read-only") == true, "\(spool.status)")
        let batch = try #require(spool.nextBatch(limit: 100), "what is spooled can still be sent")
        spool.acknowledge(through: batch.last)
        #expect(spool.status.samples == 0)
        try mount.remount("rw")
        try spool.append(sample)
        #expect(spool.status.problem == nil && spool.status.samples == 1)
    }

    func append(_ bytes: [UInt8], to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(bytes))
        try handle.close()
    }

    func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { haystack[$0..<$0 + needle.count].elementsEqual(needle) }
    }
}

/// Log messages kept for assertions.
final class LogLines: @unchecked Sendable {
    private let kept = Mutex<[String]>([])
    var lines: [String] { kept.withLock { $0 } }
    var logger: Logger { Logger(label: "spool") { _ in Handler(owner: self) } }

    struct Handler: LogHandler {
        let owner: LogLines
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) { owner.kept.withLock { $0.append("\(event.message)") } }
    }
}

/// A small tmpfs of the test's own, for a disk that fills up or turns read-only; root only.
struct TmpfsMount {
    let path = NSTemporaryDirectory() + "shelteragent-tmpfs-\(UUID().uuidString)"

    init(sizeKiB: Int) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try Self.mount(["-t", "tmpfs", "-o", "size=\(sizeKiB)k", "tmpfs", path])
    }

    func remount(_ mode: String) throws { try Self.mount(["-o", "remount,\(mode)", path]) }

    func unmount() {
        try? Self.mount([path], program: "/bin/umount")
        try? FileManager.default.removeItem(atPath: path)
    }

    static func mount(_ arguments: [String], program: String = "/bin/mount") throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
    }
}
