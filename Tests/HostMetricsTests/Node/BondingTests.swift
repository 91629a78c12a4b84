import API
import Foundation
import Testing

@testable import HostMetrics

@Suite struct BondingTests {
    @Test func fixtureTreeCountsSlavesAndThoseUp() throws {
        let samples = try NodeFixture.collect(BondingCollector(sys: NodeFixture.roots("bonding").sys))
        expectSeries(samples.series, [
            "node_bonding_slaves{master=\"bond0\"}": 2, "node_bonding_active{master=\"bond0\"}": 1,
            "node_bonding_slaves{master=\"bond1\"}": 2, "node_bonding_active{master=\"bond1\"}": 1,
            "node_bonding_slaves{master=\"bond2\"}": 0, "node_bonding_active{master=\"bond2\"}": 0,
        ])
        #expect(samples.types.values.allSatisfy { $0 == .gauge })
    }

    @Test func aListedMasterWithoutSlavesFileFails() throws {
        let (roots, remove) = try NodeFixture.empty()
        defer { remove() }
        try FileManager.default.createDirectory(atPath: roots.sys.path("class/net"), withIntermediateDirectories: true)
        try "bond9\n".write(toFile: roots.sys.path("class/net/bonding_masters"), atomically: true, encoding: .utf8)
        #expect(throws: FileError.self) { try NodeFixture.collect(BondingCollector(sys: roots.sys)) }
    }

    @Test func noBondingModuleGivesAnEmptySection() throws {
        #expect(!FileTree(root: Fixtures.host.sys.root).exists("class/net/bonding_masters"))
        #expect(try NodeFixture.collect(BondingCollector(sys: Fixtures.host.sys)).samples.isEmpty)
        #expect(try NodeFixture.collect(BondingCollector(sys: NodeFixture.absent.sys)).samples.isEmpty)
    }
}
