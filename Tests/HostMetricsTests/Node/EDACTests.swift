import API
import Foundation
import Testing

@testable import HostMetrics

@Suite struct EDACTests {
    @Test func fixtureTreeGivesControllerAndRowCounts() throws {
        let samples = try NodeFixture.collect(EDACCollector(sys: NodeFixture.roots("edac").sys))
        func row(_ kind: String, _ controller: String, _ row: String) -> String {
            "node_edac_csrow_\(kind)_errors_total{controller=\"\(controller)\",csrow=\"\(row)\"}"
        }
        expectSeries(samples.series, [
            "node_edac_correctable_errors_total{controller=\"0\"}": 3,
            "node_edac_uncorrectable_errors_total{controller=\"0\"}": 0,
            row("correctable", "0", "unknown"): 1,
            row("uncorrectable", "0", "unknown"): 0,
            row("correctable", "0", "0"): 2,
            row("uncorrectable", "0", "0"): 0,
            row("correctable", "0", "1"): 0,
            row("uncorrectable", "0", "1"): 1,
            "node_edac_correctable_errors_total{controller=\"1\"}": Double(UInt64.max),
            "node_edac_uncorrectable_errors_total{controller=\"1\"}": 7,
            row("correctable", "1", "unknown"): 0,
            row("uncorrectable", "1", "unknown"): 7,
            "node_edac_correctable_errors_total{controller=\"10\"}": 0,
            "node_edac_uncorrectable_errors_total{controller=\"10\"}": 0,
            row("correctable", "10", "unknown"): 0,
            row("uncorrectable", "10", "unknown"): 0,
            row("correctable", "10", "10"): 4,
            row("uncorrectable", "10", "10"): 0,
        ])
        #expect(samples.types.values.allSatisfy { $0 == .counter })
    }

    @Test func aControllerMissingACountFails() throws {
        let (roots, remove) = try NodeFixture.empty()
        defer { remove() }
        try FileManager.default.createDirectory(atPath: roots.sys.path("devices/system/edac/mc/mc0"), withIntermediateDirectories: true)
        try "1\n".write(toFile: roots.sys.path("devices/system/edac/mc/mc0/ce_count"), atomically: true, encoding: .utf8)
        #expect(throws: FileError.self) { try NodeFixture.collect(EDACCollector(sys: roots.sys)) }
    }

    @Test func absentOrEmptyTreeGivesAnEmptySection() throws {
        #expect(try NodeFixture.collect(EDACCollector(sys: NodeFixture.absent.sys)).samples.isEmpty)
        #expect(try NodeFixture.collect(EDACCollector(sys: Fixtures.host.sys)).samples.isEmpty)
        let (roots, remove) = try NodeFixture.empty()
        defer { remove() }
        try FileManager.default.createDirectory(atPath: roots.sys.path("devices/system/edac/mc"), withIntermediateDirectories: true)
        #expect(try NodeFixture.collect(EDACCollector(sys: roots.sys)).samples.isEmpty)
    }
}
