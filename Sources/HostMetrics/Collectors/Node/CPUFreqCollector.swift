#if canImport(Glibc)
    import Glibc
#endif
import API

/// node_exporter's `cpufreq`: each CPU's current, lowest and highest frequency, as the hardware reports
/// it (`cpuinfo_*`) and as the governor sets it (`scaling_*`), from /sys/devices/system/cpu/cpuN/cpufreq.
/// A virtual machine usually has no cpufreq driver, and then nothing is exported.
public final class CPUFreqCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "cpufreq", recheckWhenAbsent: 60,
        reads: ["sys/devices/system/cpu/cpu*/cpufreq/{cpuinfo,scaling}_{cur,min,max}_freq"],
        exports: [
            "node_cpu_frequency_hertz", "node_cpu_frequency_min_hertz", "node_cpu_frequency_max_hertz",
            "node_cpu_scaling_frequency_hertz", "node_cpu_scaling_frequency_min_hertz",
            "node_cpu_scaling_frequency_max_hertz",
        ])

    public static func make(_ context: CollectorContext) -> any Collector { CPUFreqCollector(sys: context.roots.sys) }

    /// File (kHz) → family (Hz), in the order node_exporter emits them.
    static let files: [(file: String, descriptor: MetricDescriptor)] = [
        ("cpuinfo_cur_freq", MetricDescriptor("node_cpu_frequency_hertz", .gauge, "Current CPU thread frequency as the hardware reports it, in hertz.", labels: ["cpu"])),
        ("cpuinfo_min_freq", MetricDescriptor("node_cpu_frequency_min_hertz", .gauge, "Lowest frequency the CPU thread can run at, in hertz.", labels: ["cpu"])),
        ("cpuinfo_max_freq", MetricDescriptor("node_cpu_frequency_max_hertz", .gauge, "Highest frequency the CPU thread can run at, in hertz.", labels: ["cpu"])),
        ("scaling_cur_freq", MetricDescriptor("node_cpu_scaling_frequency_hertz", .gauge, "Current CPU thread frequency as the governor last set it, in hertz.", labels: ["cpu"])),
        ("scaling_min_freq", MetricDescriptor("node_cpu_scaling_frequency_min_hertz", .gauge, "Lowest frequency the governor may set, in hertz.", labels: ["cpu"])),
        ("scaling_max_freq", MetricDescriptor("node_cpu_scaling_frequency_max_hertz", .gauge, "Highest frequency the governor may set, in hertz.", labels: ["cpu"])),
    ]

    private let sys: FileTree

    public init(sys: FileTree) {
        self.sys = sys
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        let cpus = FileTree.numbered(try sys.sortedListIfPresent("devices/system/cpu") ?? [], prefix: "cpu")
        for cpu in cpus {
            let directory = "devices/system/cpu/" + cpu + "/cpufreq"
            guard sys.isDirectory(directory) else { continue }
            let label = [String(cpu.dropFirst(3))]
            for (file, descriptor) in Self.files {
                guard let bytes = try readFrequency(directory + "/" + file) else { continue }
                let kilohertz = try SysfsAttribute.unsigned(bytes, file: sys.path(directory + "/" + file))
                samples.add(descriptor, label, Double(kilohertz) * 1000.0)
            }
        }
        snapshot.setSection(name, samples)
    }

    /// `nil` for a file the driver does not offer or only root may read (`cpuinfo_cur_freq` is 0400),
    /// which node_exporter also skips.
    private func readFrequency(_ relative: String) throws(FileError) -> [UInt8]? {
        do {
            return try sys.readIfPresent(relative)
        } catch {
            if error.isPermissionDenied { return nil }
            throw error
        }
    }
}
