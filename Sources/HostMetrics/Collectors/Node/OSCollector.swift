import API

/// node_exporter's `os`: the distribution as os-release(5) under ROOTFS describes it (etc/os-release, else
/// usr/lib/os-release). Its section also carries the JSON snapshot's `system` summary, which adds what uname(2),
/// adjtimex(2), /proc/uptime and the cpu section's boot time say.
public final class OSCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "os",
        reads: [
            "rootfs/etc/os-release", "rootfs/usr/lib/os-release", "proc/uptime", "syscall uname", "syscall adjtimex",
        ],
        exports: ["node_os_info", "node_os_version"])

    public static func make(_ context: CollectorContext) -> any Collector {
        OSCollector(roots: context.roots, uname: Uname.current, timex: Adjtimex.read)
    }

    static let labels = [
        "build_id", "id", "id_like", "image_id", "image_version", "name", "pretty_name", "variant", "variant_id",
        "version", "version_codename", "version_id",
    ]
    static let osInfo = MetricDescriptor(
        "node_os_info", .gauge, "The operating system as os-release names it; always 1.", labels: labels)
    static let osVersion = MetricDescriptor(
        "node_os_version", .gauge, "The major.minor part of os-release's VERSION_ID.", labels: ["id", "id_like", "name"])

    private static let files = ["etc/os-release", "usr/lib/os-release"]
    private let rootfs: FileTree
    private let proc: KeptFiles
    private let uname: () throws(SystemCallError) -> Uname
    private let timex: () throws(SystemCallError) -> TimexReading
    /// The last file read, what it parsed to and its samples: os-release changes only on upgrades.
    private var cached: (bytes: [UInt8], release: OSRelease, samples: MetricSamples)?

    init(
        roots: HostRoots, uname: @escaping () throws(SystemCallError) -> Uname,
        timex: @escaping () throws(SystemCallError) -> TimexReading
    ) {
        self.rootfs = roots.rootfs
        self.proc = KeptFiles(roots.proc)
        self.uname = uname
        self.timex = timex
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        let read = try readRelease()
        let release = read?.release
        let names = try? uname()
        var system = SystemSummary(
            osName: release.flatMap { $0.fields["PRETTY_NAME"] ?? $0.fields["NAME"] }, kernelRelease: names?.release,
            machine: names?.machine, bootTimeSeconds: snapshot.cpu?.kernel.bootTimeSeconds,
            clockSynchronized: (try? timex())?.isSynchronized)
        if let uptime = try proc.readIfPresent("uptime") { system.uptimeSeconds = try Uptime.parse(uptime).seconds }
        snapshot.setSection(name, OSSection(samples: read?.samples ?? MetricSamples(), system: system))
    }

    static func samples(_ release: OSRelease) -> MetricSamples {
        var samples = MetricSamples()
        let keys = labels.map { $0.uppercased() }
        samples.add(osInfo, keys.map { release[$0] }, 1)
        samples.add(osVersion, [release["ID"], release["ID_LIKE"], release["NAME"]], release.versionNumber)
        return samples
    }

    /// The first os-release that exists, and its samples; `nil` when neither does.
    private func readRelease() throws -> (release: OSRelease, samples: MetricSamples)? {
        for file in Self.files {
            guard let bytes = try rootfs.readIfPresent(file) else { continue }
            if let cached, cached.bytes == bytes { return (cached.release, cached.samples) }
            let release = try OSRelease.parse(bytes, file: file)
            let samples = Self.samples(release)
            cached = (bytes, release, samples)
            return (release, samples)
        }
        return nil
    }
}
