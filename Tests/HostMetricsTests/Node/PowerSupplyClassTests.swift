import API
import Foundation
import Testing

@testable import HostMetrics

@Suite struct PowerSupplyClassTests {
    @Test func fixtureTreeGivesNodeExportersFamiliesAndUnits() throws {
        let samples = try NodeFixture.collect(PowerSupplyClassCollector(sys: NodeFixture.roots("powersupplyclass").sys))
        let usb = "ucsi-source-psy-USBC000:001", mouse = "hidpp_battery_0"
        func s(_ supply: String) -> String { "{power_supply=\"\(supply)\"}" }
        var expected: [String: Double] = [
            "node_power_supply_online" + s("AC"): 1,
            "node_power_supply_capacity" + s("BAT0"): 81,
            "node_power_supply_cyclecount" + s("BAT0"): 0,
            "node_power_supply_energy_full" + s("BAT0"): 47_520_000 / 1e6,
            "node_power_supply_energy_full_design" + s("BAT0"): 50_040_000 / 1e6,
            "node_power_supply_energy_watthour" + s("BAT0"): 38_490_000 / 1e6,
            "node_power_supply_power_watt" + s("BAT0"): 7_350_000 / 1e6,
            "node_power_supply_present" + s("BAT0"): 1,
            "node_power_supply_temp_celsius" + s("BAT0"): 29.5,
            "node_power_supply_voltage_min_design" + s("BAT0"): 11_520_000 / 1e6,
            "node_power_supply_voltage_volt" + s("BAT0"): 12_412_000 / 1e6,
            "node_power_supply_charge_full_design" + s(mouse): 1.5,
            "node_power_supply_online" + s(mouse): 1,
            "node_power_supply_temp_alert_min_celsius" + s(mouse): -5,
            "node_power_supply_time_to_empty_seconds" + s(mouse): 36000,
            "node_power_supply_voltage_volt" + s(mouse): 4.01,
            "node_power_supply_current_ampere" + s(usb): 0,
            "node_power_supply_current_max" + s(usb): 3,
            "node_power_supply_online" + s(usb): 0,
            "node_power_supply_voltage_max" + s(usb): 20,
            "node_power_supply_voltage_min" + s(usb): 5,
        ]
        let labels = [
            "capacity_level", "charge_type", "health", "manufacturer", "model_name", "power_supply", "scope",
            "serial_number", "status", "technology", "type", "usb_type",
        ]
        func info(_ values: [String: String]) -> String {
            "node_power_supply_info{" + labels.map { "\($0)=\"\(values[$0] ?? "")\"" }.joined(separator: ",") + "}"
        }
        expected[info(["power_supply": "AC", "type": "Mains"])] = 1
        expected[info([
            "capacity_level": "Normal", "charge_type": "Fast", "health": "Good", "manufacturer": "SMP",
            "model_name": "5B10W13930", "power_supply": "BAT0", "serial_number": "1234", "status": "Discharging",
            "technology": "Li-poly", "type": "Battery",
        ])] = 1
        expected[info([
            "capacity_level": "Full", "manufacturer": "Logitech", "model_name": "Wireless Mouse MX", "power_supply": mouse,
            "scope": "Device", "serial_number": "4c-0a-f1-22", "status": "Discharging", "type": "Battery",
        ])] = 1
        expected[info(["power_supply": usb, "scope": "Unknown", "type": "USB", "usb_type": "C [PD] PPS"])] = 1
        expectSeries(samples.series, expected)
        #expect(samples.types.values.allSatisfy { $0 == .gauge })
    }

    @Test func oneSupplyGetsExactlyItsOwnInfoLabels() throws {
        let (roots, remove) = try NodeFixture.empty()
        defer { remove() }
        try FileManager.default.createDirectory(atPath: roots.sys.path("class/power_supply/AC"), withIntermediateDirectories: true)
        try "1\n".write(toFile: roots.sys.path("class/power_supply/AC/online"), atomically: true, encoding: .utf8)
        try "Mains\n".write(toFile: roots.sys.path("class/power_supply/AC/type"), atomically: true, encoding: .utf8)
        expectSeries(try NodeFixture.collect(PowerSupplyClassCollector(sys: roots.sys)).series, [
            "node_power_supply_online{power_supply=\"AC\"}": 1,
            "node_power_supply_info{power_supply=\"AC\",type=\"Mains\"}": 1,
        ])
        try "yes\n".write(toFile: roots.sys.path("class/power_supply/AC/online"), atomically: true, encoding: .utf8)
        #expect(throws: ParseError.self) { try NodeFixture.collect(PowerSupplyClassCollector(sys: roots.sys)) }
    }

    @Test func absentOrEmptyClassGivesAnEmptySection() throws {
        #expect(try NodeFixture.collect(PowerSupplyClassCollector(sys: NodeFixture.absent.sys)).samples.isEmpty)
        let (roots, remove) = try NodeFixture.empty()
        defer { remove() }
        try FileManager.default.createDirectory(atPath: roots.sys.path("class/power_supply"), withIntermediateDirectories: true)
        #expect(try NodeFixture.collect(PowerSupplyClassCollector(sys: roots.sys)).samples.isEmpty)
    }
}
