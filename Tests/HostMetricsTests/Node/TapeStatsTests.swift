import API
import Foundation
import Testing

@testable import HostMetrics

@Suite struct TapeStatsTests {
    @Test func fixtureTreeGivesEachDriveOnce() throws {
        let samples = try NodeFixture.collect(TapeStatsCollector(sys: NodeFixture.roots("tapestats").sys))
        func t(_ family: String, _ device: String) -> String { "node_tape_\(family){device=\"\(device)\"}" }
        var expected: [String: Double] = [
            t("io_now", "st0"): 1, t("io_time_seconds_total", "st0"): 9_247_011_087_720 * 1e-9,
            t("io_others_total", "st0"): 64, t("read_bytes_total", "st0"): 979_383_912, t("reads_completed_total", "st0"): 3741,
            t("read_time_seconds_total", "st0"): 33_788_355_744 * 1e-9, t("residual_total", "st0"): 19,
            t("written_bytes_total", "st0"): 1_496_246_784_000, t("writes_completed_total", "st0"): 53_772_916,
            t("write_time_seconds_total", "st0"): 5_233_597_394_395 * 1e-9,
        ]
        for family in [
            "io_now", "io_time_seconds_total", "io_others_total", "read_bytes_total", "reads_completed_total",
            "read_time_seconds_total", "residual_total", "written_bytes_total", "writes_completed_total", "write_time_seconds_total",
        ] { expected[t(family, "st1")] = 0 }
        expectSeries(samples.series, expected)
        #expect(samples.types["node_tape_io_now"] == .gauge)
        #expect(samples.types.filter { $0.key != "node_tape_io_now" }.values.allSatisfy { $0 == .counter })
        #expect(TapeStatsCollector.isDrive("st12") && !TapeStatsCollector.isDrive("st0a") && !TapeStatsCollector.isDrive("nst0"))
    }

    @Test func absentClassGivesAnEmptySection() throws {
        #expect(try NodeFixture.collect(TapeStatsCollector(sys: NodeFixture.absent.sys)).samples.isEmpty)
        #expect(try NodeFixture.collect(TapeStatsCollector(sys: Fixtures.host.sys)).samples.isEmpty)
    }
}
