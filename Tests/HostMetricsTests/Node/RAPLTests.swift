import API
import Foundation
import Testing

@testable import HostMetrics

@Suite struct RAPLTests {
    @Test func fixtureTreeGivesOneCounterFamilyPerZoneName() throws {
        let sys = NodeFixture.roots("rapl").sys
        let samples = try NodeFixture.collect(RAPLCollector(sys: sys))
        func s(_ family: String, _ index: Int, _ zone: String) -> String {
            "node_rapl_\(family)_joules_total{index=\"\(index)\",path=\"\(sys.root)/class/powercap/\(zone)\"}"
        }
        expectSeries(samples.series, [
            s("package", 0, "intel-rapl-mmio:0"): 24_468_900_001 / 1_000_000.0,
            s("package", 0, "intel-rapl:0"): 24_468_843_802 / 1_000_000.0,
            s("core", 0, "intel-rapl:0:0"): 13_498_612_577 / 1_000_000.0,
            s("uncore", 0, "intel-rapl:0:1"): 1_345_246 / 1_000_000.0,
            s("dram", 0, "intel-rapl:0:2"): 4_523_417_016 / 1_000_000.0,
            s("package", 1, "intel-rapl:1"): 19_823_147_006 / 1_000_000.0,
            s("core", 1, "intel-rapl:1:0"): 11_094_338_110 / 1_000_000.0,
            s("dram", 1, "intel-rapl:1:2"): 3_906_124_558 / 1_000_000.0,
            s("psys", 0, "intel-rapl:2"): 98_765_432_101 / 1_000_000.0,
        ])
        #expect(samples.types.values.allSatisfy { $0 == .counter })
    }

    @Test func namesAreSanitizedAsNodeExporterDoes() {
        #expect(RAPLCollector.sanitized("package") == "package")
        #expect(RAPLCollector.sanitized("a-b") == "a_b")
        #expect(RAPLCollector.sanitized("a_-_b c") == "a_b_c")
        #expect(RAPLCollector.indexAndName("package-2", seen: [:]) == (2, "package"))
        #expect(RAPLCollector.indexAndName("core", seen: ["core": 1]) == (1, "core"))
    }

    @Test func absentPowercapGivesAnEmptySection() throws {
        #expect(try NodeFixture.collect(RAPLCollector(sys: NodeFixture.absent.sys)).samples.isEmpty)
        #expect(try NodeFixture.collect(RAPLCollector(sys: Fixtures.host.sys)).samples.isEmpty)
    }
}
