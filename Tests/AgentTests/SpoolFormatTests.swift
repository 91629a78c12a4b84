import API
import Testing

@testable import Agent

/// The record format on byte literals: damage costs the records it touches, and reading resynchronises.
@Suite struct SpoolFormatTests {
    func sample(_ sequence: UInt64) -> DashboardSample {
        DashboardSample(
            sequence: sequence, time: 1_700_000_000 + Double(sequence), cpuPercent: 1, memoryPercent: 2, diskPercent: nil,
            networkMbps: 3, ioMBps: nil)
    }

    func records(_ sequences: ClosedRange<UInt64>) -> [[UInt8]] { sequences.map { SpoolFormat.encode(.sample(sample($0))) } }

    @Test func aFlippedByteCostsOneRecord() {
        let parts = records(1...3)
        var bytes = parts.flatMap { $0 }
        bytes[parts[0].count + 30] ^= 0x01
        let parsed = SpoolFormat.parse(bytes, version: .v2)
        #expect(parsed.samples.map(\.sequence) == [1, 3])
        let range = parts[0].count..<parts[0].count + parts[1].count
        #expect(parsed.damage == [SpoolFormat.Damage(range: range, sampleHeaders: 1, before: 1, after: 3, isTail: false)])
        #expect(parsed.goodEnd == bytes.count)
    }

    @Test func insertedAndMissingBytesAreSkippedToTheNextRecord() {
        let parts = records(1...4)
        let bytes = parts[0] + [0x00, 0xA7, 0x53] + parts[1] + Array(parts[2].dropFirst(5)) + parts[3]
        let parsed = SpoolFormat.parse(bytes, version: .v2)
        #expect(parsed.samples.map(\.sequence) == [1, 2, 4])
        #expect(parsed.damage.map(\.range.count) == [3, parts[2].count - 5])
    }

    @Test func aTornTailIsTheLastDamageAndSaysWhetherItHeldASample() {
        let parts = records(1...2)
        let torn = SpoolFormat.parse(parts[0] + parts[1].prefix(20), version: .v2)
        let tail = parts[0].count..<parts[0].count + 20
        #expect(torn.damage == [SpoolFormat.Damage(range: tail, sampleHeaders: 1, before: 1, after: nil, isTail: true)])
        #expect(torn.goodEnd == parts[0].count)
        let position = SpoolFormat.encode(.position(SpoolPosition()))
        #expect(SpoolFormat.parse(parts[0] + position.prefix(20), version: .v2).damage.first?.sampleHeaders == 0)
    }

    @Test func positionsRoundTripThroughRecordsAndTheStateFile() {
        var position = SpoolPosition()
        (position.generation, position.acked, position.inflight, position.dropped, position.corrupt, position.lost) = (9, 40, 45, 3, 2, 1)
        position.epoch = "0badcafe"
        #expect(SpoolFormat.parse(SpoolFormat.encode(.position(position)), version: .v2).positions == [position])
        #expect(SpoolPosition(stateText: position.stateText) == position)
        let old = SpoolPosition(stateText: "epoch 0badcafe\nacked 40\ninflight 45\ndropped 3\n")
        #expect(old.acked == 40 && old.generation == 0 && old.lost == 0, "a version 1 state file reads")
    }

    @Test func recoveryTakesTheNewestPositionAndCountsOnlyUnsentDamage() {
        var stale = SpoolPosition(), newer = SpoolPosition()
        (stale.generation, stale.acked, stale.epoch) = (3, 2, "e")
        (newer.generation, newer.acked) = (5, 6)
        var bytes = records(1...10).flatMap { $0 } + SpoolFormat.encode(.position(newer))
        bytes[SpoolFormat.sampleRecordBytes * 3 + 20] ^= 0xFF  // sample 4: acknowledged already
        bytes[SpoolFormat.sampleRecordBytes * 7 + 20] ^= 0xFF  // sample 8: not
        let found = SpoolRecovery.Found(name: "segment-1.spool2", first: 1, version: .v2, parsed: SpoolFormat.parse(bytes, version: .v2))
        let recovery = SpoolRecovery(state: stale, found: [found])
        #expect(recovery.position.acked == 6 && recovery.position.epoch == "e")
        #expect(recovery.corruptSamples == 1 && recovery.holes == [8...8] && recovery.position.corrupt == 1)
        guard case .rewrite(let kept) = recovery.plans.first?.action else {
            Issue.record("the damaged segment is rewritten: \(String(describing: recovery.plans.first?.action))")
            return
        }
        #expect(kept.count == 9, "eight samples and the position")
    }
}
