import API

/// node_exporter's `time`: the system clock, the local time zone's offset, and the kernel's clock sources
/// (which are available and which one keeps time), from /sys/devices/system/clocksource.
public final class TimeCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "time",
        reads: [
            "syscall clock_gettime", "rootfs/etc/localtime (through the C library)",
            "sys/devices/system/clocksource/clocksource*/available_clocksource",
            "sys/devices/system/clocksource/clocksource*/current_clocksource",
        ],
        exports: [
            "node_time_seconds", "node_time_zone_offset_seconds", "node_time_clocksource_available_info",
            "node_time_clocksource_current_info",
        ])

    public static func make(_ context: CollectorContext) -> any Collector { TimeCollector(sys: context.roots.sys) }

    static let now = MetricDescriptor(
        "node_time_seconds", .gauge, "System clock at the collection pass, in seconds since the epoch.")
    static let zoneOffset = MetricDescriptor(
        "node_time_zone_offset_seconds", .gauge, "Offset of the local time zone east of UTC, in seconds.", labels: ["time_zone"])
    static let available = MetricDescriptor(
        "node_time_clocksource_available_info", .gauge, "A clock source the kernel could keep time with; always 1.",
        labels: ["clocksource", "device"])
    static let current = MetricDescriptor(
        "node_time_clocksource_current_info", .gauge, "The clock source the kernel keeps time with; always 1.",
        labels: ["clocksource", "device"])

    private static let directory = "devices/system/clocksource"
    private let sys: KeptFiles
    /// The clocksource devices, listed on the first pass: the kernel makes them at boot (one, clocksource0,
    /// on every kernel so far), and sources loaded later show in their files, which are read every pass.
    private var listed: [String]?

    public init(sys: FileTree) {
        self.sys = KeptFiles(sys)
    }

    /// The clock is the pass's own instant (what every other section of the snapshot was read at), so a
    /// scrape between passes shows it up to one collection interval old, where node_exporter's is the scrape's.
    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        samples.add(Self.now, [], instant.wall)
        let zone = LocalTimeZone.at(instant.wall)
        samples.add(Self.zoneOffset, [zone.name], zone.offsetSeconds)
        let found = try listed ?? devices()
        listed = found
        for (index, device) in found.enumerated() {
            // node_exporter's device label is the position in its sorted list, not the number in the name.
            let label = String(index)
            let base = Self.directory + "/" + device
            let availableFile = base + "/available_clocksource", currentFile = base + "/current_clocksource"
            for source in try ClocksourceNames.parse(try sys.read(availableFile), file: availableFile).names {
                samples.add(Self.available, [source, label], 1)
            }
            for source in try ClocksourceNames.parse(try sys.read(currentFile), file: currentFile).names {
                samples.add(Self.current, [source, label], 1)
            }
        }
        snapshot.setSection(name, samples)
    }

    /// `clocksource<digit>…` entries, sorted by name as node_exporter's glob sorts them; none when the
    /// directory is absent.
    private func devices() throws(FileError) -> [String] {
        let names: [String]
        do {
            names = try sys.tree.list(Self.directory)
        } catch where error.isAbsent {
            return []
        }
        return names.filter { name in
            name.hasPrefix("clocksource") && name.dropFirst("clocksource".count).first.map(\.isASCIIDigit) == true
        }.sorted()
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
