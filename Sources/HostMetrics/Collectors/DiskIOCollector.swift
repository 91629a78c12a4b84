import API

/// Disk I/O from /proc/diskstats for whole disks (never their partitions, which would count every byte
/// twice), with per-device rates and a total over physical disks; and for `/metrics`, node_exporter's
/// diskstats: the devices its default filter keeps, every counter, and udev's names for each.
public final class DiskIOCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "diskstats", cadence: .everyPass, reads: ["proc/diskstats", "sys/block/*", "rootfs/run/udev/data/b<major>:<minor>"],
        exports: ["node_disk_*", "shelteragent_disk_*"])

    public static func make(_ context: CollectorContext) -> any Collector {
        DiskIOCollector(proc: context.roots.proc, sys: context.roots.sys, rootfs: context.roots.rootfs)
    }

    private let proc: KeptFiles
    private let sys: FileTree
    /// Where udev's database is (`run/udev/data`); nil: not looked for.
    private let rootfs: FileTree?
    private var previous: [String: (counters: DiskStats.Device, at: Double)] = [:]

    public init(proc: FileTree, sys: FileTree, rootfs: FileTree? = nil) {
        self.proc = KeptFiles(proc)
        self.sys = sys
        self.rootfs = rootfs
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        let stats = try DiskStats.parse(try proc.read("diskstats"))
        // /sys/block lists whole disks only; without it, fall back to telling partitions by name.
        let wholeDisks = (try? sys.list("block")).map(Set.init)
        var devices: [BlockDevice] = []
        var current: [String: (counters: DiskStats.Device, at: Double)] = [:]
        var totalRead: Double?, totalWrite: Double?
        for device in stats.devices where Self.isWholeDisk(device.name, wholeDisks: wholeDisks) {
            var disk = Self.blockDevice(device)
            if let before = previous[device.name] {
                let seconds = instant.monotonic - before.at
                func rate(_ index: Int, scale: Double = 1) -> Double? {
                    CounterRate.perSecond(from: before.counters.counter(index), to: device.counter(index), over: seconds)
                        .map { $0 * scale }
                }
                disk.readBytesPerSecond = rate(2, scale: 512)
                disk.writeBytesPerSecond = rate(6, scale: 512)
                disk.readsPerSecond = rate(0)
                disk.writesPerSecond = rate(4)
            }
            if !Self.isStacked(device.name) {
                if let read = disk.readBytesPerSecond { totalRead = (totalRead ?? 0) + read }
                if let write = disk.writeBytesPerSecond { totalWrite = (totalWrite ?? 0) + write }
            }
            current[device.name] = (device, instant.monotonic)
            devices.append(disk)
        }
        previous = current
        var sample = DiskIOSample(devices: devices, readBytesPerSecond: totalRead, writeBytesPerSecond: totalWrite)
        sample.metricsDevices = try metricsDevices(stats)
        snapshot.diskIO = sample
    }

    /// node_exporter's choice: every row its default exclude keeps, whatever /sys/block says.
    func metricsDevices(_ stats: DiskStats) throws -> [DiskStatsRow] {
        // udev runs on most hosts but not in most containers: without its directory, no device is looked up.
        let udev = rootfs.flatMap { $0.exists("run/udev/data") ? $0 : nil }
        return try stats.devices.filter { !NodeDeviceFilters.diskstatsExcludes($0.name) }.map { device in
            var row = DiskStatsRow(name: device.name, major: device.major, minor: device.minor, counters: device.counters)
            if let udev, let bytes = try udev.readIfPresent("run/udev/data/b\(device.major):\(device.minor)") {
                row.udev = UdevData.parse(bytes).properties.filter { DiskMetrics.udevProperties.contains($0.key) }
            }
            return row
        }
    }

    /// Loop, RAM and floppy devices carry no host I/O worth showing (node_exporter skips them too).
    static func isWholeDisk(_ name: String, wholeDisks: Set<String>?) -> Bool {
        if matches(name, prefixes: ["loop", "ram", "zram", "fd"]) { return false }
        // sysfs spells "cciss/c0d0" "cciss!c0d0". Not String.replacing: see PrometheusText.escapeHelp.
        if let wholeDisks { return wholeDisks.contains(String(name.map { $0 == "/" ? "!" : $0 })) }
        return !looksLikePartition(name)
    }

    /// Device-mapper and md devices sit on physical disks whose counters already include their I/O.
    static func isStacked(_ name: String) -> Bool { matches(name, prefixes: ["dm-", "md"]) }

    /// `sda1`, `vdb2`, `xvda1`, `nvme0n1p1`, `mmcblk0p1`: node_exporter's partition patterns.
    static func looksLikePartition(_ name: String) -> Bool {
        let digits = name.reversed().prefix { $0.isASCII && $0.isNumber }.count
        guard digits > 0 else { return false }
        let stem = name.dropLast(digits)
        if stem.hasSuffix("p"), stem.dropLast().last?.isNumber == true { return true }  // nvme0n1p1, mmcblk0p1
        for prefix in ["sd", "hd", "vd", "xvd"] where stem.hasPrefix(prefix) {
            return stem.dropFirst(prefix.count).allSatisfy { $0.isLetter }
        }
        return false
    }

    private static func matches(_ name: String, prefixes: [String]) -> Bool {
        prefixes.contains { prefix in
            name.hasPrefix(prefix) && !name.dropFirst(prefix.count).isEmpty
                && name.dropFirst(prefix.count).allSatisfy { $0.isASCII && $0.isNumber }
        }
    }

    static func blockDevice(_ device: DiskStats.Device) -> BlockDevice {
        BlockDevice(
            name: device.name, readsCompleted: device.counter(0), readsMerged: device.counter(1),
            readBytes: device.counter(2) &* 512, readTimeSeconds: Double(device.counter(3)) / 1000,
            writesCompleted: device.counter(4), writesMerged: device.counter(5),
            writtenBytes: device.counter(6) &* 512, writeTimeSeconds: Double(device.counter(7)) / 1000,
            ioInProgress: device.counter(8), ioTimeSeconds: Double(device.counter(9)) / 1000)
    }
}
