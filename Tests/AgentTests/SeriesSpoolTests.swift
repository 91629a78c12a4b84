import API
import Foundation
import Logging
import Testing

@testable import Agent

/// The remote-write spool on real files: what goes in comes out once, in order, across restarts,
/// crashes mid-write and the size bound.
@Suite struct SeriesSpoolTests {
    let directory = NSTemporaryDirectory() + "shelteragent-rw-spool-\(UUID().uuidString)"

    func collection(_ index: Int, series: Int = 5) -> [RemoteWriteSeries] {
        (0..<series).map { number in
            RemoteWriteSeries(
                labels: [RemoteWriteLabel(name: "__name__", value: "m\(number)"), RemoteWriteLabel(name: "job", value: "node")],
                samples: [RemoteWriteSample(value: Double(index), timestampMs: Int64(index) * 1000)])
        }
    }

    func open(maxBytes: Int = 1 << 20) throws -> SeriesSpool {
        try SeriesSpool(directory: directory, maxBytes: maxBytes, logger: Logger(label: "test"))
    }

    /// Every (series, timestamp) the spool hands out until it is empty, acknowledging each batch.
    func drain(_ spool: SeriesSpool, limit: Int) -> [String: [Int64]] {
        var seen: [String: [Int64]] = [:]
        for _ in 0..<10_000 {
            guard let batch = spool.nextBatch(limit: limit) else { break }
            #expect(batch.samples <= limit)
            for series in try! contents(batch) { seen[series.labels[0].value, default: []] += series.samples.map(\.timestampMs) }
            spool.acknowledge(through: batch.end)
        }
        return seen
    }

    /// The series a batch sends: merged ones, or the spooled body decoded.
    func contents(_ batch: SeriesSpool.Batch) throws -> [RemoteWriteSeries] {
        guard let body = batch.body else { return batch.series }
        return try RemoteWriteProtobuf.decode(try #require(Snappy.uncompress(body[...])))
    }

    @Test func aWholeCollectionIsSentAsItWasSpooled() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try open()
        try spool.append(timestampMs: 1000, series: collection(1))
        let batch = try #require(spool.nextBatch(limit: 100))
        #expect(batch.body != nil && batch.samples == 5)
        #expect(try contents(batch) == collection(1))
        spool.acknowledge(through: batch.end)
        try spool.append(timestampMs: 2000, series: collection(2))
        try spool.append(timestampMs: 3000, series: collection(3))
        let merged = try #require(spool.nextBatch(limit: 100))
        #expect(merged.body == nil && merged.samples == 10, "two collections that fit together are merged")
        #expect(merged.series.allSatisfy { $0.samples.map(\.timestampMs) == [2000, 3000] })
    }

    @Test func batchesSplitCollectionsAndEverySampleLeavesOnceInOrder() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try open()
        for index in 1...7 { try spool.append(timestampMs: Int64(index) * 1000, series: collection(index)) }
        #expect(spool.status.samples == 35)
        #expect(spool.status.oldestTimestampMs == 1000)
        let first = try #require(spool.nextBatch(limit: 3))
        #expect(first.samples == 3 && first.series.count == 3 && first.body == nil, "a collection larger than a batch is split")
        #expect(spool.nextBatch(limit: 3)?.end == first.end, "not acknowledged: the same batch again")
        spool.acknowledge(through: first.end)
        #expect(spool.status.samples == 32)
        let second = try #require(spool.nextBatch(limit: 3))
        #expect(try contents(second).map { $0.samples.map(\.timestampMs) } == [[1000], [1000], [2000]], "the rest of one, the start of the next")
        let seen = drain(spool, limit: 3)
        // The first batch held m0, m1, m2 of collection 1.
        #expect(seen["m0"] == (2...7).map { Int64($0) * 1000 })
        #expect(seen["m2"] == (2...7).map { Int64($0) * 1000 })
        #expect(seen["m3"] == (1...7).map { Int64($0) * 1000 }, "\(seen)")
        #expect(spool.status.samples == 0 && spool.status.oldestTimestampMs == nil)
    }

    @Test func whatWasNotAcknowledgedSurvivesARestart() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let spool = try open()
            for index in 1...4 { try spool.append(timestampMs: Int64(index) * 1000, series: collection(index)) }
            let batch = try #require(spool.nextBatch(limit: 3))
            spool.acknowledge(through: batch.end)
            _ = spool.nextBatch(limit: 3)  // in flight when the process dies
        }
        let reopened = try open()
        #expect(reopened.status.samples == 17)
        try reopened.append(timestampMs: 5000, series: collection(5))
        let seen = drain(reopened, limit: 100)
        // The acknowledged batch held m0, m1, m2 of collection 1.
        #expect(seen["m0"] == [2000, 3000, 4000, 5000])
        #expect(seen["m2"] == [2000, 3000, 4000, 5000])
        #expect(seen["m3"] == [1000, 2000, 3000, 4000, 5000])
        #expect(seen["m4"] == [1000, 2000, 3000, 4000, 5000])
    }

    @Test func aRecordCutShortByACrashIsCutOffAndTheRestKept() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let spool = try open()
            for index in 1...3 { try spool.append(timestampMs: Int64(index) * 1000, series: collection(index)) }
        }
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasSuffix(".seg") })
        let path = directory + "/" + name
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(size - 7))
        try handle.close()
        let reopened = try open()
        #expect(reopened.status.samples == 10)
        try reopened.append(timestampMs: 4000, series: collection(4))
        #expect(drain(reopened, limit: 100)["m0"] == [1000, 2000, 4000])
        #expect(reopened.status.corrupt == 0, "a torn tail is a crash's doing, not damage")
    }

    @Test func damageInTheMiddleCostsOnlyTheRecordItHits() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var recordBytes = 0
        do {
            let spool = try open()
            for index in 1...3 { try spool.append(timestampMs: Int64(index) * 1000, series: collection(index)) }
            recordBytes = spool.status.bytes / 3
        }
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasSuffix(".seg") })
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
        bytes[recordBytes + recordBytes / 2] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: directory + "/" + name))
        let reopened = try open()
        #expect(reopened.status.corrupt == 1)
        #expect(drain(reopened, limit: 100)["m0"] == [1000, 3000])
    }

    @Test func pastTheBoundTheOldestGoFirstAndAreCounted() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try open(maxBytes: 64 << 10)
        for index in 1...300 { try spool.append(timestampMs: Int64(index) * 1000, series: collection(index, series: 40)) }
        let status = spool.status
        #expect(status.bytes <= 64 << 10)
        #expect(status.dropped > 0 && status.dropped % 40 == 0, "whole collections are dropped: \(status)")
        #expect(UInt64(status.samples) + status.dropped == 300 * 40)
        let seen = drain(spool, limit: 1000)
        let times = try #require(seen["m0"])
        #expect(times.last == 300_000 && times == times.sorted(), "the newest are kept, in order")
        #expect(Int64(times.count) == Int64(status.samples / 40))
    }
}
