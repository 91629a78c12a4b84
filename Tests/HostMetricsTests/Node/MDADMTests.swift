import API
import Foundation
import Testing

@testable import HostMetrics

@Suite struct MDADMTests {
    /// (device, state, required, active, failed, spare, blocks, synced)
    static let arrays: [(String, String, Double, Double, Double, Double, Double, Double)] = [
        ("md127", "active", 2, 2, 0, 0, 1_953_382_464, 1_953_382_464),
        ("md1", "recovering", 3, 2, 0, 0, 3_906_764_800, 537_552_896),
        ("md2", "resync", 2, 2, 0, 0, 976_630_464, 123_456_789),
        ("md3", "active", 5, 4, 1, 1, 5_860_147_200, 5_860_147_200),
        ("md4", "inactive", 0, 0, 0, 1, 1_953_382_488, 1_953_382_488),
        ("md5", "active", 2, 2, 0, 0, 1_953_259_520, 1_953_259_520),
        ("md6", "check", 2, 2, 0, 0, 1_048_512, 93440),
        ("md7", "resync", 2, 2, 0, 0, 1_048_512, 0),
        ("md8", "resync", 2, 2, 0, 0, 1_048_512, 0),
    ]

    @Test func fixtureGivesEveryArraysStateDisksAndBlocks() throws {
        let samples = try NodeFixture.collect(MDADMCollector(proc: NodeFixture.roots("mdadm").proc))
        var expected: [String: Double] = [:]
        for (device, state, required, active, failed, spare, blocks, synced) in Self.arrays {
            expected["node_md_disks_required{device=\"\(device)\"}"] = required
            expected["node_md_disks{device=\"\(device)\",state=\"active\"}"] = active
            expected["node_md_disks{device=\"\(device)\",state=\"failed\"}"] = failed
            expected["node_md_disks{device=\"\(device)\",state=\"spare\"}"] = spare
            for label in ["active", "inactive", "recovering", "resync", "check"] {
                expected["node_md_state{device=\"\(device)\",state=\"\(label)\"}"] = label == state ? 1 : 0
            }
            expected["node_md_blocks{device=\"\(device)\"}"] = blocks
            expected["node_md_blocks_synced{device=\"\(device)\"}"] = synced
        }
        expectSeries(samples.series, expected)
        #expect(samples.types.values.allSatisfy { $0 == .gauge })
    }

    @Test func parserKeepsTheDownCountAndTheRawState() throws {
        let stat = try MDStat.parse(try Fixtures.bytes("node/mdadm/proc/mdstat"))
        #expect(stat.arrays.map(\.name) == Self.arrays.map(\.0))
        #expect(stat.arrays[1].disksDown == 1 && stat.arrays[3].disksDown == 1)
        #expect(stat.arrays[5].activityState == "active" && stat.arrays[8].activityState == "resyncing")
        #expect(try MDStat.parse(Array("Personalities : \nunused devices: <none>\n".utf8)).arrays.isEmpty)
    }

    @Test func malformedArraysNameTheLine() {
        let noCounts = "md0 : active raid1 sdb1[1] sda1[0]\n      1048512 blocks super 1.2\n\n\n"
        #expect(throws: ParseError(file: "mdstat", line: 2, reason: "expected `[total/active] [U_]`",
                                   text: "      1048512 blocks super 1.2")) { try MDStat.parse(Array(noCounts.utf8)) }
        let cut = "md0 : active raid1 sdb1[1] sda1[0]\n      1048512 blocks super 1.2 [2/2] [UU]\n"
        #expect(throws: ParseError.self) { try MDStat.parse(Array(cut.utf8)) }
        let noProgress = "md0 : active raid1 a[1] b[0]\n      10 blocks [2/2] [UU]\n      resync = 1% finish=1min\n\n"
        #expect(throws: ParseError.self) { try MDStat.parse(Array(noProgress.utf8)) }
    }

    @Test func noMdstatGivesAnEmptySection() throws {
        #expect(try NodeFixture.collect(MDADMCollector(proc: NodeFixture.absent.proc)).samples.isEmpty)
        #expect(try NodeFixture.collect(MDADMCollector(proc: Fixtures.host.proc)).samples.isEmpty)
    }
}
