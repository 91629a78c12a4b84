import API
import Foundation
import Testing

@testable import HostMetrics

@Suite struct NVMeTests {
    @Test func fixtureTreeGivesOneTrimmedInfoPerController() throws {
        let samples = try NodeFixture.collect(NVMeCollector(sys: NodeFixture.roots("nvme").sys))
        func info(_ device: String, _ firmware: String, _ model: String, _ serial: String, _ state: String) -> String {
            "node_nvme_info{device=\"\(device)\",firmware_revision=\"\(firmware)\",model=\"\(model)\",serial=\"\(serial)\",state=\"\(state)\"}"
        }
        expectSeries(samples.series, [
            info("nvme0", "2B2QEXM7", "Samsung SSD 970 EVO Plus 1TB", "S4EWNX0R123456K", "live"): 1,
            info("nvme1", "GPJ9", "INTEL SSDPEKNW010T8", "BTNH9123456A1P0B", "resetting"): 1,
            info("nvme10", "10410104", "WDC WDS500G2B0C-00PXH0", "20123A801234", "dead"): 1,
        ])
        #expect(samples.samples.map(\.labelValues[0]) == ["nvme0", "nvme1", "nvme10"])
        #expect(samples.types["node_nvme_info"] == .gauge)
    }

    @Test func aKernelWithoutStateGivesItEmpty() throws {
        let samples = try NodeFixture.collect(NVMeCollector(sys: NodeFixture.roots("nvme-old").sys))
        expectSeries(samples.series, [
            "node_nvme_info{device=\"nvme0\",firmware_revision=\"1B2QEXM7\",model=\"Samsung SSD 960 PRO 512GB\",serial=\"S3EWNX0J000001\",state=\"\"}": 1,
        ])
    }

    @Test func absentClassGivesAnEmptySection() throws {
        #expect(try NodeFixture.collect(NVMeCollector(sys: NodeFixture.absent.sys)).samples.isEmpty)
        #expect(try NodeFixture.collect(NVMeCollector(sys: Fixtures.host.sys)).samples.isEmpty)
    }
}
