import API
import Foundation
import Testing

@testable import HostMetrics

@Suite struct XFSTests {
    @Test func fixtureGivesEachFilesystemsCounters() throws {
        let samples = try NodeFixture.collect(XFSCollector(sys: NodeFixture.roots("xfs").sys))
        // sda1's exported groups, in the collector's family order.
        let sda1: [Double] = [
            92447, 97589, 92448, 93751, 0, 0, 0, 0, 1_767_055, 188_820, 184_891, 92447, 92448, 2_140_766, 0, 0, 0, 0, 0,
            185_039, 92447, 92444, 136_422, 185_045, 58807, 0, 126_238, 0, 33637, 22, 94045, 107_739,
            92601, 0, 0, 0, 92444, 92444, 92444,
        ]
        // dm-0 counts 1…39 in file order; rw is `write read`, so read and write swap.
        var dm0 = (1...39).map(Double.init)
        dm0.swapAt(30, 31)
        var expected: [String: Double] = [:]
        for (index, family) in XFSCollector.families.enumerated() {
            expected["\(family.descriptor.name){device=\"sda1\"}"] = sda1[index]
            expected["\(family.descriptor.name){device=\"dm-0\"}"] = dm0[index]
        }
        expectSeries(samples.series, expected)
        #expect(samples.series["node_xfs_read_calls_total{device=\"sda1\"}"] == 94045)
        #expect(samples.types.count == 39 && samples.types.values.allSatisfy { $0 == .counter })
    }

    @Test func wrongFieldCountsNameTheLine() throws {
        #expect(throws: ParseError.self) { try XFSStats.parse(Array("rw 1 2 3\n".utf8), file: "stats") }
        #expect(throws: ParseError.self) { try XFSStats.parse(Array("abt 1 2 3 4294967296\n".utf8), file: "stats") }
        #expect(try XFSStats.parse(Array("xpc 4294967296 0 0\nfoo 1 2 3\nabt\n".utf8), file: "stats").count("xpc", 0) == 4_294_967_296)
    }

    /// This VM has the xfs module (its all-filesystems fs/xfs/stats/stats, captured) and no XFS mounted.
    @Test func noXFSGivesAnEmptySection() throws {
        #expect(FileTree(root: Fixtures.host.sys.root).exists("fs/xfs/stats/stats"))
        #expect(try NodeFixture.collect(XFSCollector(sys: NodeFixture.absent.sys)).samples.isEmpty)
        #expect(try NodeFixture.collect(XFSCollector(sys: Fixtures.host.sys)).samples.isEmpty)
    }
}
