import API

/// The sensor attributes of one hwmon chip (Documentation/ABI/testing/sysfs-class-hwmon,
/// Documentation/hwmon/sysfs-interface.rst): files named `<type><number>_<property>` (`temp1_input`,
/// `fan2_min`, `in0_label`), each one value in the kernel's fixed units (millidegrees, millivolts,
/// milliamps, microwatts, microjoules, RPM), and node_exporter's translation of them into families.
public struct HwmonChip: Sendable, Equatable {
    /// Each sensor's properties as written (newlines trimmed): `["temp1": ["input": "45000"]]`; a
    /// property-less file (`pwm1`, `beep_enable`) is under `""`.
    public var sensors: [String: [String: String]] = [:]

    public init() {}

    /// The sensor types node_exporter 1.5.0 reads; other files (`name`, `uevent`, `freq1_input`) it skips.
    static let sensorTypes: Set<String> = [
        "vrm", "beep_enable", "update_interval", "in", "cpu", "fan", "pwm", "temp", "curr", "power", "energy",
        "humidity", "intrusion",
    ]

    /// `temp1_input` → ("temp", 1, "input"), `beep_enable` → ("beep_enable", 0, ""): node_exporter's
    /// `^([^0-9]+)([0-9]*)?(_(.+))?$`, including its backtracking to an earlier `_` when the greedy
    /// split leaves something that is not `_property`.
    static func splitName(_ name: String) -> (type: String, number: Int, property: String)? {
        let bytes = Array(name.utf8)
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        let underscore = UInt8(ascii: "_")
        var typeEnd = 0
        while typeEnd < bytes.count && !isDigit(bytes[typeEnd]) { typeEnd += 1 }
        guard typeEnd > 0 else { return nil }
        var digitsEnd = typeEnd
        while digitsEnd < bytes.count && isDigit(bytes[digitsEnd]) { digitsEnd += 1 }
        let type = ByteFields.text(bytes[..<typeEnd])
        let number: Int
        if digitsEnd == typeEnd {
            number = 0
        } else {
            guard let parsed = Int(ByteFields.text(bytes[typeEnd..<digitsEnd])) else { return nil }
            number = parsed
        }
        if digitsEnd == bytes.count { return (type, number, "") }
        if bytes[digitsEnd] == underscore && digitsEnd + 1 < bytes.count {
            return (type, number, ByteFields.text(bytes[(digitsEnd + 1)...]))
        }
        // The regex gives the type back up to its last `_`, with no number, and takes the rest as property.
        guard let split = bytes[1..<typeEnd].lastIndex(of: underscore) else { return nil }
        return (ByteFields.text(bytes[..<split]), 0, ByteFields.text(bytes[(split + 1)...]))
    }

    /// The sensor (`temp1`) and property (`input`) a file holds, or `nil` when it is no sensor file.
    static func sensorKey(forFile name: String) -> (sensor: String, property: String)? {
        guard let (type, number, property) = splitName(name), sensorTypes.contains(type) else { return nil }
        return (type + String(number), property)
    }

    /// Records one file's value; a later file for the same property (the chip's `device` directory,
    /// read after the chip's own) replaces an earlier one, as in node_exporter.
    public mutating func add(file name: String, _ bytes: [UInt8]) {
        guard let (sensor, property) = Self.sensorKey(forFile: name) else { return }
        var value = bytes[...]
        while value.first == ByteFields.newline { value = value.dropFirst() }
        while value.last == ByteFields.newline { value = value.dropLast() }
        sensors[sensor, default: [:]][property] = ByteFields.text(value)
    }

    static let sensorLabel = MetricDescriptor(
        "node_hwmon_sensor_label", .gauge, "Label of a hardware sensor, always 1.", labels: ["chip", "label", "sensor"])
    static let beepEnabled = MetricDescriptor(
        "node_hwmon_beep_enabled", .gauge, "Whether the chip beeps on alarms (1) or not (0).", labels: ["chip", "sensor"])
    static let regulatorVersion = MetricDescriptor(
        "node_hwmon_voltage_regulator_version", .gauge, "Voltage regulator module version of the chip.",
        labels: ["chip", "sensor"])
    static let updateInterval = MetricDescriptor(
        "node_hwmon_update_interval_seconds", .gauge, "How often the chip updates its readings, in seconds.",
        labels: ["chip", "sensor"])

    /// The chip's samples under node_exporter's names: `<type>_<property>` with the unit suffix and
    /// scale of the type (temp `_celsius` ÷1000, in/cpu `_volts` ÷1000, curr `_amps` ÷1000, power
    /// `_watt` ÷10⁶, energy `_joule_total` ÷10⁶, humidity ÷10⁶, fan `_rpm`); `input` is the bare name;
    /// `alarm`, `fault` and `beep` have no unit; what does not parse as a number is left out.
    public func addSamples(chip: String, to samples: inout MetricSamples) {
        for sensor in sensors.keys.sorted() {
            let properties = sensors[sensor]!
            let type = Self.splitName(sensor)?.type ?? sensor
            let labels = [chip, sensor]
            if let label = properties["label"] { samples.add(Self.sensorLabel, [chip, label, sensor], 1.0) }
            switch type {
            case "beep_enable":
                samples.add(Self.beepEnabled, labels, properties[""] == "1" ? 1.0 : 0.0)
                continue
            case "vrm":
                samples.add(Self.regulatorVersion, labels, properties[""].flatMap { Double($0) })
                continue
            case "update_interval":
                samples.add(Self.updateInterval, labels, properties[""].flatMap { Double($0) }.map { $0 * 0.001 })
                continue
            default: break
            }
            for element in properties.keys.sorted() where element != "label" {
                guard let value = Double(properties[element]!) else { continue }
                let (descriptor, scaled) = Self.family(type: type, element: element, hasBareValue: properties[""] != nil, value)
                samples.add(descriptor, labels, scaled)
            }
        }
    }

    /// The family and scaled value of one property, by node_exporter's rules for its type.
    static func family(type: String, element: String, hasBareValue: Bool, _ value: Double) -> (MetricDescriptor, Double) {
        var name = "node_hwmon_" + type
        if element == "input" {
            if hasBareValue { name += "_input" }
        } else if !element.isEmpty {
            name += "_" + cleanName(element)
        }
        func gauge(_ name: String, _ help: String) -> MetricDescriptor {
            MetricDescriptor(name, .gauge, help, labels: ["chip", "sensor"])
        }
        let what = element.isEmpty ? "input" : element
        switch (type, element) {
        case (_, "fault"), (_, "alarm"):
            return (gauge(name, "Hardware \(type) sensor \(element) flag (1 set, 0 clear)."), value)
        case (_, "beep"):
            return (gauge(name + "_enabled", "Whether the \(type) sensor beeps on alarm."), value)
        case ("in", _), ("cpu", _):
            return (gauge(name + "_volts", "Hardware voltage sensor (\(what)), in volts."), value * 0.001)
        case ("temp", let element) where element != "type":
            return (gauge(name + "_celsius", "Hardware temperature sensor (\(what)), in degrees Celsius."), value * 0.001)
        case ("curr", _):
            return (gauge(name + "_amps", "Hardware current sensor (\(what)), in amperes."), value * 0.001)
        case ("energy", _):
            return (
                MetricDescriptor(
                    name + "_joule_total", .counter, "Energy used so far by a hardware sensor (\(what)), in joules.",
                    labels: ["chip", "sensor"]), value / 1_000_000.0
            )
        case ("power", "accuracy"):
            return (gauge(name, "Accuracy of a hardware power meter, as a ratio."), value / 1_000_000.0)
        case ("power", "average_interval"), ("power", "average_interval_min"), ("power", "average_interval_max"):
            return (gauge(name + "_seconds", "Averaging interval of a hardware power meter (\(what)), in seconds."), value * 0.001)
        case ("power", _):
            return (gauge(name + "_watt", "Hardware power sensor (\(what)), in watts."), value / 1_000_000.0)
        case ("humidity", _):
            return (gauge(name, "Hardware humidity sensor (\(what)), as a ratio."), value / 1_000_000.0)
        case ("fan", "input"), ("fan", "min"), ("fan", "max"), ("fan", "target"):
            return (gauge(name + "_rpm", "Hardware fan speed (\(what)), in revolutions per minute."), value)
        default:
            return (gauge(name, "Hardware \(type) sensor attribute \(what), as the kernel gives it."), value)
        }
    }

    /// node_exporter's `cleanMetricName`: lowercase, anything but `a-z0-9:_` becomes `_`, `_` trimmed
    /// from both ends. Chip names go through it too (`platform_coretemp_0`).
    public static func cleanName(_ name: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(name.utf8.count)
        for scalar in name.unicodeScalars {
            // Go's regex works on code points: a non-ASCII one becomes one `_`, whatever its case.
            if scalar.isASCII {
                var byte = UInt8(scalar.value)
                if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { byte += 32 }
                let kept =
                    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                    || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "_")
                bytes.append(kept ? byte : UInt8(ascii: "_"))
            } else {
                bytes.append(UInt8(ascii: "_"))
            }
        }
        var slice = bytes[...]
        while slice.first == UInt8(ascii: "_") { slice = slice.dropFirst() }
        while slice.last == UInt8(ascii: "_") { slice = slice.dropLast() }
        return ByteFields.text(slice)
    }
}
