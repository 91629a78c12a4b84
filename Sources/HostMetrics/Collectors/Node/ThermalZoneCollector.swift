#if canImport(Glibc)
    import Glibc
#endif
import API

/// node_exporter's `thermal_zone`: each ACPI/platform thermal zone's temperature and each cooling
/// device's throttle state (fans, processor P-states) from /sys/class/thermal.
public final class ThermalZoneCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "thermal_zone", recheckWhenAbsent: 60,
        reads: ["sys/class/thermal/thermal_zone*/{type,temp}", "sys/class/thermal/cooling_device*/{type,cur_state,max_state}"],
        exports: ["node_thermal_zone_temp", "node_cooling_device_cur_state", "node_cooling_device_max_state"])

    public static func make(_ context: CollectorContext) -> any Collector { ThermalZoneCollector(sys: context.roots.sys) }

    static let zoneTemp = MetricDescriptor(
        "node_thermal_zone_temp", .gauge, "Temperature of the thermal zone, in degrees Celsius.", labels: ["type", "zone"])
    static let curState = MetricDescriptor(
        "node_cooling_device_cur_state", .gauge, "Current throttle state of the cooling device.", labels: ["name", "type"])
    static let maxState = MetricDescriptor(
        "node_cooling_device_max_state", .gauge, "Highest throttle state of the cooling device.", labels: ["name", "type"])

    private let sys: FileTree

    public init(sys: FileTree) {
        self.sys = sys
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        let names = try sys.sortedListIfPresent("class/thermal") ?? []
        for directory in FileTree.numbered(names, prefix: "thermal_zone") {
            let path = "class/thermal/" + directory
            guard let temp = try readTemperature(path + "/temp"), let type = try sys.readIfPresent(path + "/type") else { continue }
            let celsius = Double(try SysfsAttribute.signed(temp, file: sys.path(path + "/temp"))) / 1000.0
            samples.add(Self.zoneTemp, [SysfsAttribute.text(type), String(directory.dropFirst("thermal_zone".count))], celsius)
        }
        for directory in FileTree.numbered(names, prefix: "cooling_device") {
            let path = "class/thermal/" + directory
            guard let type = try sys.readIfPresent(path + "/type"), let cur = try sys.readIfPresent(path + "/cur_state"),
                let max = try sys.readIfPresent(path + "/max_state")
            else { continue }
            let labels = [String(directory.dropFirst("cooling_device".count)), SysfsAttribute.text(type)]
            samples.add(Self.curState, labels, try SysfsAttribute.signed(cur, file: sys.path(path + "/cur_state")))
            samples.add(Self.maxState, labels, try SysfsAttribute.signed(max, file: sys.path(path + "/max_state")))
        }
        snapshot.setSection(name, samples)
    }

    /// `nil` for a zone without a reading: no temp file, or ENODATA from a sensor that has none now,
    /// which node_exporter also leaves out.
    private func readTemperature(_ relative: String) throws(FileError) -> [UInt8]? {
        do {
            return try sys.readIfPresent(relative)
        } catch {
            if error.errno == ENODATA { return nil }
            throw error
        }
    }
}
