import API
import Foundation
import Testing

@testable import Agent

@Suite struct SpoolTests {
    let directory = NSTemporaryDirectory() + "shelteragent-spool-\(UUID().uuidString)"

    func sample(_ sequence: UInt64) -> DashboardSample {
        DashboardSample(
            sequence: sequence, time: 1_700_000_000 + Double(sequence) * 5, cpuPercent: Double(sequence),
            memoryPercent: 50, diskPercent: 10, networkMbps: sequence == 1 ? nil : 1.5, ioMBps: nil)
    }

    @Test func samplesSurviveARestartAndLeaveOnlyWhenAcknowledged() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try Spool(directory: directory, maxBytes: 1 << 20)
        for _ in 1...10 { try spool.append(sample) }
        let batch = try #require(try spool.nextBatch(limit: 4))
        #expect(batch.samples.map(\.sequence) == [1, 2, 3, 4])
        #expect(batch.samples[0] == sample(1), "nil figures stay nil through the record codec")

        let reopened = try Spool(directory: directory, maxBytes: 1 << 20)
        let again = try #require(try reopened.nextBatch(limit: 100))
        #expect(again == batch, "the batch in flight keeps its samples and id across a restart")
        try reopened.acknowledge(through: again.last)
        #expect(try reopened.nextBatch(limit: 100)?.samples.map(\.sequence) == Array(5...10))
        #expect(reopened.status.samples == 6)
        try reopened.append(sample)
        #expect(reopened.status.samples == 7, "numbering continues after a restart: \(reopened.status)")
    }

    @Test func aTornLastRecordIsCutOffAndTheRestKept() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try Spool(directory: directory, maxBytes: 1 << 20)
        for _ in 1...3 { try spool.append(sample) }
        let segment = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasPrefix("segment-") })
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/" + segment))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([56, 0, 0, 0, 1, 2, 3]))  // what a SIGKILL mid-write leaves
        try handle.close()
        let reopened = try Spool(directory: directory, maxBytes: 1 << 20)
        #expect(try reopened.nextBatch(limit: 10)?.samples.map(\.sequence) == [1, 2, 3])
        try reopened.append(sample)
        #expect(try reopened.nextBatch(limit: 10)?.samples.map(\.sequence) == [1, 2, 3], "in flight stays as it was")
        try reopened.acknowledge(through: 3)
        #expect(try reopened.nextBatch(limit: 10)?.samples.map(\.sequence) == [4])
    }

    @Test func aFullSpoolDropsTheOldestAndCountsThem() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try Spool(directory: directory, maxBytes: 64 * 16)  // 16 records: segments of 2
        for _ in 1...40 { try spool.append(sample) }
        let status = spool.status
        #expect(status.bytes <= 64 * 16)
        #expect(status.dropped == 40 - UInt64(status.samples))
        let batch = try #require(try spool.nextBatch(limit: 100))
        #expect(batch.last == 40 && batch.first == 41 - UInt64(status.samples), "the newest are kept: \(status)")
    }
}
