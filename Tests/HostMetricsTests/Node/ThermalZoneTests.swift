import API
import Foundation
import Testing

@testable import HostMetrics

@Suite struct ThermalZoneTests {
    @Test func fixtureTreeGivesZonesAndCoolingDevices() throws {
        let samples = try NodeFixture.collect(ThermalZoneCollector(sys: NodeFixture.roots("thermal_zone").sys))
        expectSeries(samples.series, [
            "node_thermal_zone_temp{type=\"acpitz\",zone=\"0\"}": 27.8,
            "node_thermal_zone_temp{type=\"x86_pkg_temp\",zone=\"1\"}": 45,
            "node_thermal_zone_temp{type=\"iwlwifi_1\",zone=\"10\"}": -5,
            "node_cooling_device_cur_state{name=\"0\",type=\"Processor\"}": 0,
            "node_cooling_device_max_state{name=\"0\",type=\"Processor\"}": 3,
            "node_cooling_device_cur_state{name=\"1\",type=\"Fan\"}": 1,
            "node_cooling_device_max_state{name=\"1\",type=\"Fan\"}": 1,
            "node_cooling_device_cur_state{name=\"2\",type=\"intel_powerclamp\"}": -1,
            "node_cooling_device_max_state{name=\"2\",type=\"intel_powerclamp\"}": 50,
        ])
        #expect(samples.types.values.allSatisfy { $0 == .gauge })
        #expect(samples.samples.map(\.labelValues.last) .prefix(3) == ["0", "1", "10"], "zones in glob order")
    }

    @Test func aZoneWithoutATemperatureIsLeftOut() throws {
        #expect(try NodeFixture.collect(ThermalZoneCollector(sys: NodeFixture.roots("thermal_zone-partial").sys)).samples.isEmpty)
    }

    @Test func aMalformedTemperatureNamesTheFile() throws {
        let (roots, remove) = try NodeFixture.empty()
        defer { remove() }
        try FileManager.default.createDirectory(atPath: roots.sys.path("class/thermal/thermal_zone0"), withIntermediateDirectories: true)
        try "acpitz\n".write(toFile: roots.sys.path("class/thermal/thermal_zone0/type"), atomically: true, encoding: .utf8)
        try "warm\n".write(toFile: roots.sys.path("class/thermal/thermal_zone0/temp"), atomically: true, encoding: .utf8)
        #expect(throws: ParseError.self) { try NodeFixture.collect(ThermalZoneCollector(sys: roots.sys)) }
    }

    @Test func absentOrEmptyClassGivesAnEmptySection() throws {
        #expect(try NodeFixture.collect(ThermalZoneCollector(sys: NodeFixture.absent.sys)).samples.isEmpty)
        #expect(try NodeFixture.collect(ThermalZoneCollector(sys: Fixtures.host.sys)).samples.isEmpty)
        let (roots, remove) = try NodeFixture.empty()
        defer { remove() }
        try FileManager.default.createDirectory(atPath: roots.sys.path("class/thermal"), withIntermediateDirectories: true)
        #expect(try NodeFixture.collect(ThermalZoneCollector(sys: roots.sys)).samples.isEmpty)
    }
}
