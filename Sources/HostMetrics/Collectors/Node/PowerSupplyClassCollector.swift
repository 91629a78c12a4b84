#if canImport(Glibc)
    import Glibc
#endif
import API

/// node_exporter's `powersupplyclass`: batteries, mains adapters and USB supplies under
/// /sys/class/power_supply, each numeric attribute as `node_power_supply_<name>{power_supply}` in
/// node_exporter's units (µA, µV, µWh, µW to A, V, Wh, W; tenths of a degree to degrees), and the text
/// attributes as labels of `node_power_supply_info`.
public final class PowerSupplyClassCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "powersupplyclass", recheckWhenAbsent: 60, reads: ["sys/class/power_supply/*/*"],
        exports: ["node_power_supply_*"])

    public static func make(_ context: CollectorContext) -> any Collector { PowerSupplyClassCollector(sys: context.roots.sys) }

    /// Attribute file → family suffix and divisor, as node_exporter 1.5.0 maps them (a few names differ
    /// from the file: `cycle_count` is `cyclecount`, `*_now` carry their unit).
    static let numbers: [String: (suffix: String, divisor: Double)] = {
        var table: [String: (String, Double)] = [:]
        for (file, suffix) in [
            ("authentic", "authentic"), ("calibrate", "calibrate"), ("capacity", "capacity"),
            ("capacity_alert_max", "capacity_alert_max"), ("capacity_alert_min", "capacity_alert_min"),
            ("cycle_count", "cyclecount"), ("online", "online"), ("present", "present"),
            ("time_to_empty_now", "time_to_empty_seconds"), ("time_to_full_now", "time_to_full_seconds"),
        ] { table[file] = (suffix, 1) }
        for (file, suffix) in [
            ("current_boot", "current_boot"), ("current_max", "current_max"), ("current_now", "current_ampere"),
            ("energy_empty", "energy_empty"), ("energy_empty_design", "energy_empty_design"),
            ("energy_full", "energy_full"), ("energy_full_design", "energy_full_design"), ("energy_now", "energy_watthour"),
            ("voltage_boot", "voltage_boot"), ("voltage_max", "voltage_max"), ("voltage_max_design", "voltage_max_design"),
            ("voltage_min", "voltage_min"), ("voltage_min_design", "voltage_min_design"), ("voltage_now", "voltage_volt"),
            ("voltage_ocv", "voltage_ocv"), ("charge_control_limit", "charge_control_limit"),
            ("charge_control_limit_max", "charge_control_limit_max"), ("charge_counter", "charge_counter"),
            ("charge_empty", "charge_empty"), ("charge_empty_design", "charge_empty_design"),
            ("charge_full", "charge_full"), ("charge_full_design", "charge_full_design"), ("charge_now", "charge_ampere"),
            ("charge_term_current", "charge_term_current"), ("constant_charge_current", "constant_charge_current"),
            ("constant_charge_current_max", "constant_charge_current_max"),
            ("constant_charge_voltage", "constant_charge_voltage"),
            ("constant_charge_voltage_max", "constant_charge_voltage_max"), ("precharge_current", "precharge_current"),
            ("input_current_limit", "input_current_limit"), ("power_now", "power_watt"),
        ] { table[file] = (suffix, 1e6) }
        for (file, suffix) in [
            ("temp", "temp_celsius"), ("temp_alert_max", "temp_alert_max_celsius"),
            ("temp_alert_min", "temp_alert_min_celsius"), ("temp_ambient", "temp_ambient_celsius"),
            ("temp_ambient_max", "temp_ambient_max_celsius"), ("temp_ambient_min", "temp_ambient_min_celsius"),
            ("temp_max", "temp_max_celsius"), ("temp_min", "temp_min_celsius"),
        ] { table[file] = (suffix, 10) }
        return table
    }()

    /// Text attributes that become labels of `node_power_supply_info` (beside `power_supply`).
    static let texts: Set<String> = [
        "capacity_level", "charge_type", "health", "manufacturer", "model_name", "serial_number", "status",
        "technology", "type", "usb_type", "scope",
    ]

    private let sys: FileTree
    private var descriptors: [String: MetricDescriptor] = [:]

    public init(sys: FileTree) {
        self.sys = sys
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        var infos: [[String: String]] = []
        for supply in try sys.sortedListIfPresent("class/power_supply") ?? [] {
            let directory = "class/power_supply/" + supply
            guard let entries = try sys.entriesIfPresent(directory) else { continue }
            var info = ["power_supply": supply]
            for entry in entries where entry.kind == .regular {
                let number = Self.numbers[entry.name]
                guard number != nil || Self.texts.contains(entry.name),
                    let bytes = try readAttribute(directory + "/" + entry.name)
                else { continue }
                if let number {
                    let value = try SysfsAttribute.signed(bytes, file: sys.path(directory + "/" + entry.name))
                    samples.add(descriptor(number.suffix), [supply], Double(value) / number.divisor)
                } else {
                    let text = SysfsAttribute.text(bytes)
                    if !text.isEmpty { info[entry.name] = text }
                }
            }
            infos.append(info)
        }
        // node_exporter gives each supply's info only the labels it has; one family here has one label
        // set, so it is the union, and a label a supply lacks is empty, which Prometheus reads as absent.
        let labels = Set(infos.flatMap(\.keys)).sorted()
        let infoDescriptor = MetricDescriptor(
            "node_power_supply_info", .gauge, "Text attributes of the power supply as labels, always 1.", labels: labels)
        for info in infos { samples.add(infoDescriptor, labels.map { info[$0] ?? "" }, 1.0) }
        snapshot.setSection(name, samples)
    }

    /// `nil` for an attribute the supply does not offer now: gone, or a driver answering EOPNOTSUPP or
    /// EINVAL (node_exporter skips those three the same way).
    private func readAttribute(_ relative: String) throws(FileError) -> [UInt8]? {
        do {
            return try sys.readIfPresent(relative)
        } catch {
            if error.errno == EINVAL || error.errno == EOPNOTSUPP { return nil }
            throw error
        }
    }

    private func descriptor(_ suffix: String) -> MetricDescriptor {
        if let known = descriptors[suffix] { return known }
        let made = MetricDescriptor(
            "node_power_supply_" + suffix, .gauge, "Power supply attribute \(suffix) from /sys/class/power_supply.",
            labels: ["power_supply"])
        descriptors[suffix] = made
        return made
    }
}
