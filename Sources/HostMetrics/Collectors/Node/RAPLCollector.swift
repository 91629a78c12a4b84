import API

/// node_exporter's `rapl`: the energy counters of Intel/AMD RAPL power zones (package, core, uncore,
/// dram, psys) from /sys/class/powercap, one family per zone name as node_exporter names them
/// (`node_rapl_package_joules_total{index,path}`). Since Linux 5.10 `energy_uj` is readable by root
/// only; unreadable, the section is empty, as node_exporter then reports nothing.
public final class RAPLCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "rapl", recheckWhenAbsent: 60, reads: ["sys/class/powercap/*/{name,max_energy_range_uj,energy_uj}"],
        exports: ["node_rapl_*"])

    public static func make(_ context: CollectorContext) -> any Collector { RAPLCollector(sys: context.roots.sys) }

    /// One power zone: its name without the `-N` suffix, the index (the suffix, or how many zones of
    /// that name came before), and its directory.
    struct Zone: Equatable {
        var name: String
        var index: Int
        var directory: String
    }

    private let sys: FileTree
    private var descriptors: [String: MetricDescriptor] = [:]

    public init(sys: FileTree) {
        self.sys = sys
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        do {
            for zone in try zones() {
                let file = zone.directory + "/energy_uj"
                let microjoules = try SysfsAttribute.unsigned(try sys.read(file), file: sys.path(file))
                samples.add(descriptor(zone.name), [String(zone.index), sys.path(zone.directory)], Double(microjoules) / 1_000_000.0)
            }
        } catch let error as FileError where error.isPermissionDenied {
            samples = MetricSamples()
        }
        snapshot.setSection(name, samples)
    }

    /// The zones in directory order; entries without a `name` (the `intel-rapl` control type itself) are none.
    func zones() throws -> [Zone] {
        var zones: [Zone] = []
        var seen: [String: Int] = [:]
        for entry in try sys.sortedListIfPresent("class/powercap") ?? [] {
            let directory = "class/powercap/" + entry
            guard let nameBytes = try? sys.read(directory + "/name") else { continue }
            let (index, name) = Self.indexAndName(SysfsAttribute.text(nameBytes), seen: seen)
            // node_exporter requires the range file of every zone it lists.
            _ = try SysfsAttribute.unsigned(try sys.read(directory + "/max_energy_range_uj"), file: sys.path(directory + "/max_energy_range_uj"))
            zones.append(Zone(name: name, index: index, directory: directory))
            seen[name] = index + 1
        }
        return zones
    }

    /// `package-1` → (1, "package"); any other name → (zones of that name so far, name).
    static func indexAndName(_ raw: String, seen: [String: Int]) -> (Int, String) {
        let parts = raw.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 2, let index = Int(parts[1]) { return (index, String(parts[0])) }
        return (seen[raw] ?? 0, raw)
    }

    /// node_exporter's `SanitizeMetricName`: each run `_*[^0-9A-Za-z_]+_*` becomes one `_`.
    static func sanitized(_ name: String) -> String {
        let scalars = Array(name.unicodeScalars)
        func valid(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_")
        }
        var out = ""
        var i = 0
        while i < scalars.count {
            var j = i
            while j < scalars.count && scalars[j] == "_" { j += 1 }
            if j < scalars.count && !valid(scalars[j]) {
                while j < scalars.count && !valid(scalars[j]) { j += 1 }
                while j < scalars.count && scalars[j] == "_" { j += 1 }
                out += "_"
                i = j
            } else {
                out.unicodeScalars.append(scalars[i])
                i += 1
            }
        }
        return out
    }

    private func descriptor(_ zone: String) -> MetricDescriptor {
        if let known = descriptors[zone] { return known }
        let made = MetricDescriptor(
            "node_rapl_\(Self.sanitized(zone))_joules_total", .counter, "Energy the RAPL \(zone) zone has used, in joules.",
            labels: ["index", "path"])
        descriptors[zone] = made
        return made
    }
}
