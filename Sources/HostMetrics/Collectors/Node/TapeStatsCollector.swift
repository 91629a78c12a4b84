import API

/// node_exporter's `tapestats`: I/O counts, bytes and times of each SCSI tape drive (`stN`) from
/// /sys/class/scsi_tape/stN/stats; the other nodes of a drive (`stNa`, `nstN`, …) are the same drive
/// and are skipped.
public final class TapeStatsCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "tapestats", recheckWhenAbsent: 60, reads: ["sys/class/scsi_tape/st*/stats/*"], exports: ["node_tape_*"])

    public static func make(_ context: CollectorContext) -> any Collector { TapeStatsCollector(sys: context.roots.sys) }

    /// stats/ file → family and scale, in node_exporter's order; a file the kernel lacks counts 0.
    static let stats: [(file: String, descriptor: MetricDescriptor, scale: Double)] = [
        ("in_flight", MetricDescriptor("node_tape_io_now", .gauge, "I/Os outstanding to the drive.", labels: ["device"]), 1),
        ("io_ns", counter("io_time_seconds_total", "Time spent on all I/O, tape movement included, in seconds."), 1e-9),
        ("other_cnt", counter("io_others_total", "I/Os other than reads and writes (seeks, rewinds, marks)."), 1),
        ("read_byte_cnt", counter("read_bytes_total", "Bytes read from the drive."), 1),
        ("read_cnt", counter("reads_completed_total", "Reads issued to the drive."), 1),
        ("read_ns", counter("read_time_seconds_total", "Time spent on reads, in seconds."), 1e-9),
        ("resid_cnt", counter("residual_total", "Reads or writes that left a residual (short) transfer."), 1),
        ("write_byte_cnt", counter("written_bytes_total", "Bytes written to the drive."), 1),
        ("write_cnt", counter("writes_completed_total", "Writes issued to the drive."), 1),
        ("write_ns", counter("write_time_seconds_total", "Time spent on writes, in seconds."), 1e-9),
    ]

    static func counter(_ suffix: String, _ help: String) -> MetricDescriptor {
        MetricDescriptor("node_tape_" + suffix, .counter, help, labels: ["device"])
    }

    private let sys: FileTree

    public init(sys: FileTree) {
        self.sys = sys
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        for device in try sys.sortedListIfPresent("class/scsi_tape") ?? [] where Self.isDrive(device) {
            let directory = "class/scsi_tape/\(device)/stats"
            let present = Set(try sys.list(directory))
            for (file, descriptor, scale) in Self.stats {
                var value: UInt64 = 0
                if present.contains(file) {
                    let text = SysfsAttribute.text(try sys.read(directory + "/" + file))
                    guard let parsed = FibreChannelCollector.unsignedAnyBase(text) else {
                        throw ParseError(file: sys.path(directory + "/" + file), line: 1, reason: "expected a number", text: text)
                    }
                    value = parsed
                }
                samples.add(descriptor, [device], Double(value) * scale)
            }
        }
        snapshot.setSection(name, samples)
    }

    /// `^st[0-9]+$`, what procfs takes for a drive.
    static func isDrive(_ name: String) -> Bool {
        name.hasPrefix("st") && name.count > 2 && name.dropFirst(2).allSatisfy { $0.isASCII && $0.isNumber }
    }
}
