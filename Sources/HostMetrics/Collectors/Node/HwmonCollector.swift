import API

/// node_exporter's `hwmon`: every sensor of every chip under /sys/class/hwmon (what lm-sensors shows:
/// temperatures, voltages, fans, power, current, energy, humidity), named by chip as node_exporter
/// names them so its dashboards' selectors match.
public final class HwmonCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "hwmon", recheckWhenAbsent: 60,
        reads: ["sys/class/hwmon/hwmon*/{name,*_*}", "sys/class/hwmon/hwmon*/device/*_*"],
        exports: ["node_hwmon_*"])

    public static func make(_ context: CollectorContext) -> any Collector { HwmonCollector(sys: context.roots.sys) }

    static let chipNames = MetricDescriptor(
        "node_hwmon_chip_names", .gauge, "The name the chip's driver gives it, always 1.", labels: ["chip", "chip_name"])

    private let sys: FileTree

    public init(sys: FileTree) {
        self.sys = sys
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        for entry in try sys.entriesIfPresent("class/hwmon") ?? [] {
            let directory = "class/hwmon/" + entry.name
            guard entry.kind == .directory || (entry.kind == .symlink && sys.isDirectory(directory)) else { continue }
            // A chip that vanishes mid-pass (a module unloaded) is skipped, not a failure.
            guard let names = try sys.sortedListIfPresent(directory), let chip = chipLabel(directory) else { continue }
            var sensors = HwmonChip()
            read(names, in: directory, into: &sensors)
            if sys.isDirectory(directory + "/device"), let deviceNames = try sys.sortedListIfPresent(directory + "/device") {
                read(deviceNames, in: directory + "/device", into: &sensors)
            }
            if let name = try sys.readIfPresent(directory + "/name").map({ HwmonChip.cleanName(ByteFields.text($0[...])) }),
                !name.isEmpty
            {
                samples.add(Self.chipNames, [chip, name], 1.0)
            }
            sensors.addSamples(chip: chip, to: &samples)
        }
        snapshot.setSection(name, samples)
    }

    /// Sensor files that cannot be read are skipped, as node_exporter skips them: some drivers answer
    /// EAGAIN, EIO or ENODATA for a sensor that has no reading now, and a directory such as `power`
    /// matches the sensor pattern.
    private func read(_ names: [String], in directory: String, into sensors: inout HwmonChip) {
        for name in names where HwmonChip.sensorKey(forFile: name) != nil {
            guard let bytes = try? sys.read(directory + "/" + name) else { continue }
            sensors.add(file: name, bytes)
        }
    }

    /// node_exporter's chip label, stable across reboots where `hwmonN` is not: the device the chip
    /// hangs off as `<parent>_<device>` (`platform_coretemp_0`, `pci0000:00_0000:00:18_3`), else its
    /// `name` file, else `hwmonN`; each through `cleanName`.
    func chipLabel(_ directory: String) -> String? {
        if let device = sys.resolvedPath(directory + "/device") {
            let parts = device.split(separator: "/")
            let deviceName = HwmonChip.cleanName(parts.last.map(String.init) ?? "")
            let parent = HwmonChip.cleanName(parts.dropLast().last.map(String.init) ?? "")
            if !parent.isEmpty && !deviceName.isEmpty { return parent + "_" + deviceName }
            if !deviceName.isEmpty { return deviceName }
        }
        if let bytes = try? sys.read(directory + "/name") {
            let name = HwmonChip.cleanName(ByteFields.text(bytes[...]))
            if !name.isEmpty { return name }
        }
        guard let resolved = sys.resolvedPath(directory), let last = resolved.split(separator: "/").last else { return nil }
        let name = HwmonChip.cleanName(String(last))
        return name.isEmpty ? nil : name
    }
}
