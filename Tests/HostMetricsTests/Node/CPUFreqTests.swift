import API
import Foundation
import Testing

@testable import HostMetrics

@Suite struct CPUFreqTests {
    @Test func fixtureTreeGivesFrequenciesInHertz() throws {
        let samples = try NodeFixture.collect(CPUFreqCollector(sys: NodeFixture.roots("cpufreq").sys))
        var expected: [String: Double] = [:]
        // cpu → cpuinfo cur/min/max, scaling cur/min/max in kHz; nil where the file is missing.
        let table: [(String, [Double?])] = [
            ("0", [2_200_000, 800_000, 4_700_000, 2_199_998, 800_000, 4_700_000]),
            ("1", [nil, 800_000, 4_700_000, 1_100_000, 800_000, 4_700_000]),
            ("10", [1_500_000, 400_000, 3_500_000, 1_500_000, 400_000, 3_500_000]),
            ("2", [3_000_123, 800_000, 4_700_000, 3_000_000, 800_000, 4_700_000]),
            ("3", [799_999, 800_000, 4_700_000, 800_000, 800_000, 4_700_000]),
        ]
        let families = [
            "node_cpu_frequency_hertz", "node_cpu_frequency_min_hertz", "node_cpu_frequency_max_hertz",
            "node_cpu_scaling_frequency_hertz", "node_cpu_scaling_frequency_min_hertz", "node_cpu_scaling_frequency_max_hertz",
        ]
        for (cpu, values) in table {
            for (family, kilohertz) in zip(families, values) {
                if let kilohertz { expected["\(family){cpu=\"\(cpu)\"}"] = kilohertz * 1000 }
            }
        }
        expectSeries(samples.series, expected)
        #expect(samples.types.values.allSatisfy { $0 == .gauge })
        #expect(samples.samples.map(\.labelValues[0]).first == "0" && samples.samples.last?.labelValues[0] == "3", "glob order")
    }

    @Test func throttleCountsOncePerCoreAndPackage() throws {
        let samples = try NodeFixture.collect(ThermalThrottleCollector(sys: NodeFixture.roots("cpufreq").sys))
        expectSeries(samples.series, [
            "node_cpu_package_throttles_total{package=\"0\"}": 30,
            "node_cpu_core_throttles_total{core=\"0\",package=\"0\"}": 5,
            "node_cpu_core_throttles_total{core=\"1\",package=\"0\"}": 0,
            "node_cpu_core_throttles_total{core=\"8\",package=\"1\"}": 2,
        ])
        #expect(samples.types.values.allSatisfy { $0 == .counter })
    }

    @Test func malformedFrequencyNamesTheFile() throws {
        let (roots, remove) = try NodeFixture.empty()
        defer { remove() }
        try FileManager.default.createDirectory(atPath: roots.sys.path("devices/system/cpu/cpu0/cpufreq"), withIntermediateDirectories: true)
        try "fast\n".write(toFile: roots.sys.path("devices/system/cpu/cpu0/cpufreq/scaling_cur_freq"), atomically: true, encoding: .utf8)
        #expect(throws: ParseError.self) { try NodeFixture.collect(CPUFreqCollector(sys: roots.sys)) }
    }

    /// This VM has cpu0 and cpu1 with topology but neither cpufreq nor thermal_throttle (captured).
    @Test func capturedHostAndAbsentTreesGiveEmptySections() throws {
        #expect(FileTree(root: Fixtures.host.sys.root).exists("devices/system/cpu/cpu0/topology/core_id"))
        for sys in [Fixtures.host.sys, NodeFixture.absent.sys] {
            #expect(try NodeFixture.collect(CPUFreqCollector(sys: sys)).samples.isEmpty)
            #expect(try NodeFixture.collect(ThermalThrottleCollector(sys: sys)).samples.isEmpty)
        }
    }
}
