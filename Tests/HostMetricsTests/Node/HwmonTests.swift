import API
import Foundation
import Testing

@testable import HostMetrics

@Suite struct HwmonTests {
    @Test func fileNamesSplitAsNodeExporterSplitsThem() {
        #expect(HwmonChip.splitName("temp1_input")! == ("temp", 1, "input"))
        #expect(HwmonChip.splitName("power1_average_interval")! == ("power", 1, "average_interval"))
        #expect(HwmonChip.splitName("beep_enable")! == ("beep_enable", 0, ""))
        #expect(HwmonChip.splitName("pwm1")! == ("pwm", 1, ""))
        #expect(HwmonChip.splitName("temp_1x")! == ("temp", 0, "1x"), "the regex backs up to the last _")
        #expect(HwmonChip.splitName("1temp") == nil)
        #expect(HwmonChip.splitName("in0_") == nil)
        #expect(HwmonChip.sensorKey(forFile: "freq1_input") == nil, "freq is not a type 1.5.0 reads")
        #expect(HwmonChip.sensorKey(forFile: "name") == nil)
        #expect(HwmonChip.sensorKey(forFile: "update_interval")! == ("update_interval0", ""))
        #expect(HwmonChip.cleanName("Package id 0\n") == "package_id_0")
        #expect(HwmonChip.cleanName("0000:03:00.0") == "0000:03:00_0")
    }

    @Test func propertiesTranslateToFamiliesWithUnits() {
        var chip = HwmonChip()
        chip.add(file: "temp1_input", Array("45000\n".utf8))
        chip.add(file: "temp1_label", Array("Core 0\n".utf8))
        chip.add(file: "pwm1", Array("128\n".utf8))
        chip.add(file: "pwm1_input", Array("100\n".utf8))
        chip.add(file: "temp2_input", Array("45000 \n".utf8))
        var samples = MetricSamples()
        chip.addSamples(chip: "c", to: &samples)
        expectSeries(samples.series, [
            "node_hwmon_temp_celsius{chip=\"c\",sensor=\"temp1\"}": 45000 * 0.001,
            "node_hwmon_sensor_label{chip=\"c\",label=\"Core 0\",sensor=\"temp1\"}": 1,
            "node_hwmon_pwm{chip=\"c\",sensor=\"pwm1\"}": 128,
            "node_hwmon_pwm_input{chip=\"c\",sensor=\"pwm1\"}": 100,
        ])
    }

    @Test func fixtureTreeGivesNodeExportersFamilies() throws {
        let samples = try NodeFixture.collect(HwmonCollector(sys: NodeFixture.roots("hwmon").sys))
        func s(_ chip: String, _ sensor: String) -> String { "{chip=\"\(chip)\",sensor=\"\(sensor)\"}" }
        let core = "platform_coretemp_0", nct = "platform_nct6775_656", gpu = "0000:00:03_0_0000:03:00_0"
        let smc = "platform_applesmc_768"
        expectSeries(samples.series, [
            "node_hwmon_chip_names{chip=\"\(core)\",chip_name=\"coretemp\"}": 1,
            "node_hwmon_sensor_label{chip=\"\(core)\",label=\"Package id 0\",sensor=\"temp1\"}": 1,
            "node_hwmon_sensor_label{chip=\"\(core)\",label=\"Core 0\",sensor=\"temp2\"}": 1,
            "node_hwmon_temp_celsius" + s(core, "temp1"): 45000 * 0.001,
            "node_hwmon_temp_max_celsius" + s(core, "temp1"): 84000 * 0.001,
            "node_hwmon_temp_crit_celsius" + s(core, "temp1"): 100000 * 0.001,
            "node_hwmon_temp_crit_alarm_celsius" + s(core, "temp1"): 0,
            "node_hwmon_temp_celsius" + s(core, "temp2"): 43000 * 0.001,
            "node_hwmon_temp_max_celsius" + s(core, "temp2"): 84000 * 0.001,

            "node_hwmon_chip_names{chip=\"\(nct)\",chip_name=\"nct6779\"}": 1,
            "node_hwmon_beep_enabled" + s(nct, "beep_enable0"): 1,
            "node_hwmon_voltage_regulator_version" + s(nct, "vrm0"): 100,
            "node_hwmon_cpu_vid_volts" + s(nct, "cpu0"): 1100 * 0.001,
            "node_hwmon_fan_rpm" + s(nct, "fan1"): 1089,
            "node_hwmon_fan_min_rpm" + s(nct, "fan1"): 0,
            "node_hwmon_fan_alarm" + s(nct, "fan1"): 0,
            "node_hwmon_fan_pulses" + s(nct, "fan1"): 2,
            "node_hwmon_fan_div" + s(nct, "fan1"): 8,
            "node_hwmon_fan_rpm" + s(nct, "fan2"): 0,
            "node_hwmon_fan_fault" + s(nct, "fan2"): 1,
            "node_hwmon_in_volts" + s(nct, "in0"): 1224 * 0.001,
            "node_hwmon_in_min_volts" + s(nct, "in0"): 0,
            "node_hwmon_in_max_volts" + s(nct, "in0"): 1744 * 0.001,
            "node_hwmon_in_alarm" + s(nct, "in0"): 0,
            "node_hwmon_in_beep_enabled" + s(nct, "in0"): 0,
            "node_hwmon_in_volts" + s(nct, "in1"): 1840 * 0.001,
            "node_hwmon_intrusion_alarm" + s(nct, "intrusion0"): 1,
            "node_hwmon_pwm" + s(nct, "pwm1"): 128,
            "node_hwmon_pwm_enable" + s(nct, "pwm1"): 5,
            "node_hwmon_pwm_mode" + s(nct, "pwm1"): 1,
            "node_hwmon_sensor_label{chip=\"\(nct)\",label=\"SYSTIN\",sensor=\"temp1\"}": 1,
            "node_hwmon_temp_celsius" + s(nct, "temp1"): 36500 * 0.001,
            "node_hwmon_temp_type" + s(nct, "temp1"): 4,

            "node_hwmon_chip_names{chip=\"\(gpu)\",chip_name=\"amdgpu\"}": 1,
            "node_hwmon_fan_rpm" + s(gpu, "fan1"): 1500,
            "node_hwmon_fan_target_rpm" + s(gpu, "fan1"): 1450,
            "node_hwmon_fan_max_rpm" + s(gpu, "fan1"): 3300,
            "node_hwmon_sensor_label{chip=\"\(gpu)\",label=\"vddgfx\",sensor=\"in0\"}": 1,
            "node_hwmon_in_volts" + s(gpu, "in0"): 806 * 0.001,
            "node_hwmon_power_average_watt" + s(gpu, "power1"): 35,
            "node_hwmon_power_cap_watt" + s(gpu, "power1"): 150,
            "node_hwmon_sensor_label{chip=\"\(gpu)\",label=\"edge\",sensor=\"temp1\"}": 1,
            "node_hwmon_temp_celsius" + s(gpu, "temp1"): 51000 * 0.001,
            "node_hwmon_temp_crit_celsius" + s(gpu, "temp1"): 100000 * 0.001,
            "node_hwmon_update_interval_seconds" + s(gpu, "update_interval0"): 1500 * 0.001,

            "node_hwmon_chip_names{chip=\"\(smc)\",chip_name=\"applesmc\"}": 1,
            "node_hwmon_sensor_label{chip=\"\(smc)\",label=\"Master\",sensor=\"fan1\"}": 1,
            "node_hwmon_fan_rpm" + s(smc, "fan1"): 2000,
            "node_hwmon_fan_min_rpm" + s(smc, "fan1"): 1200,
            "node_hwmon_fan_max_rpm" + s(smc, "fan1"): 6200,
            "node_hwmon_temp_celsius" + s(smc, "temp1"): 52250 * 0.001,

            "node_hwmon_curr_amps" + s("hwmon4", "curr1"): 1500 * 0.001,
            "node_hwmon_curr_max_amps" + s("hwmon4", "curr1"): 5000 * 0.001,
            "node_hwmon_energy_joule_total" + s("hwmon4", "energy1"): 123_456_789 / 1_000_000.0,
            "node_hwmon_humidity" + s("hwmon4", "humidity1"): 45500 / 1_000_000.0,
            "node_hwmon_power_watt" + s("hwmon4", "power1"): 4_200_000 / 1_000_000.0,
            "node_hwmon_power_accuracy" + s("hwmon4", "power1"): 2500 / 1_000_000.0,
            "node_hwmon_power_average_interval_seconds" + s("hwmon4", "power1"): 1000 * 0.001,

            "node_hwmon_chip_names{chip=\"acpitz\",chip_name=\"acpitz\"}": 1,
            "node_hwmon_temp_celsius" + s("acpitz", "temp1"): 27800 * 0.001,
            "node_hwmon_temp_crit_celsius" + s("acpitz", "temp1"): 105000 * 0.001,
        ])
        let types = samples.types
        #expect(types["node_hwmon_energy_joule_total"] == .counter)
        #expect(types.filter { $0.key != "node_hwmon_energy_joule_total" }.values.allSatisfy { $0 == .gauge })
        #expect(types.keys.allSatisfy { HwmonCollector.info.declares($0) })
    }

    @Test func absentOrEmptyClassGivesAnEmptySection() throws {
        #expect(try NodeFixture.collect(HwmonCollector(sys: NodeFixture.absent.sys)).samples.isEmpty)
        let (roots, remove) = try NodeFixture.empty()
        defer { remove() }
        try FileManager.default.createDirectory(atPath: roots.sys.path("class/hwmon"), withIntermediateDirectories: true)
        #expect(try NodeFixture.collect(HwmonCollector(sys: roots.sys)).samples.isEmpty)
    }
}
