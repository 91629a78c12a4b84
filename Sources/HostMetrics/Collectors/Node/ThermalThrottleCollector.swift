import API

/// The thermal throttle counts of node_exporter's `cpu` collector: how often each core and each package
/// was slowed for heat (x86 `thermal_throttle/{core,package}_throttle_count`), once per core and package,
/// not per hardware thread. A collector of its own here, beside `cpu`, so it can be switched off alone.
public final class ThermalThrottleCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "thermal_throttle", recheckWhenAbsent: 60,
        reads: [
            "sys/devices/system/cpu/cpu*/topology/{physical_package_id,core_id}",
            "sys/devices/system/cpu/cpu*/thermal_throttle/{core,package}_throttle_count",
        ],
        exports: ["node_cpu_core_throttles_total", "node_cpu_package_throttles_total"])

    public static func make(_ context: CollectorContext) -> any Collector { ThermalThrottleCollector(sys: context.roots.sys) }

    static let core = MetricDescriptor(
        "node_cpu_core_throttles_total", .counter, "Times this CPU core was throttled for heat.", labels: ["core", "package"])
    static let package = MetricDescriptor(
        "node_cpu_package_throttles_total", .counter, "Times this CPU package was throttled for heat.", labels: ["package"])

    /// Where one core sits, as the topology files name it.
    struct CoreID: Hashable, Comparable {
        var package: UInt64
        var core: UInt64
        static func < (a: CoreID, b: CoreID) -> Bool { (a.package, a.core) < (b.package, b.core) }
    }

    private let sys: FileTree

    public init(sys: FileTree) {
        self.sys = sys
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var packages: [UInt64: UInt64] = [:]
        var cores: [CoreID: UInt64] = [:]
        for cpu in FileTree.numbered(try sys.sortedListIfPresent("devices/system/cpu") ?? [], prefix: "cpu") {
            let directory = "devices/system/cpu/" + cpu
            // Most CPUs (every VM, every non-x86 machine) have no thermal_throttle: nothing to count, so
            // their topology is not read (two sysfs reads per CPU per pass otherwise, for nothing).
            guard sys.exists(directory + "/thermal_throttle") else { continue }
            // A CPU without topology (offline) is skipped, as node_exporter skips it.
            guard let package = try? readCount(directory + "/topology/physical_package_id"),
                let core = try? readCount(directory + "/topology/core_id")
            else { continue }
            let id = CoreID(package: package, core: core)
            // Sibling threads share the core's count: read it from the first thread that has it.
            if cores[id] == nil, let count = try? readCount(directory + "/thermal_throttle/core_throttle_count") {
                cores[id] = count
            }
            if packages[package] == nil, let count = try? readCount(directory + "/thermal_throttle/package_throttle_count") {
                packages[package] = count
            }
        }
        var samples = MetricSamples()
        for (package, count) in packages.sorted(by: { $0.key < $1.key }) {
            samples.add(Self.package, [String(package)], count)
        }
        for (id, count) in cores.sorted(by: { $0.key < $1.key }) {
            samples.add(Self.core, [String(id.core), String(id.package)], count)
        }
        snapshot.setSection(name, samples)
    }

    /// node_exporter treats any file here that is missing or unreadable or not a number as absent (it only
    /// logs at debug level), so a throw here means "absent" to the caller.
    private func readCount(_ relative: String) throws -> UInt64 {
        try SysfsAttribute.unsigned(try sys.read(relative), file: sys.path(relative))
    }
}
