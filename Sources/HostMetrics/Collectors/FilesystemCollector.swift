import API

/// Space on real mounted filesystems, as psutil's `disk_partitions(all=False)` chooses them (a device,
/// and a type that /proc/filesystems lists without `nodev`), each device once: bind mounts and
/// container overlays of one disk would otherwise count its space twice.
public final class FilesystemCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "filesystem", reads: ["proc/1/mounts", "proc/filesystems", "statvfs of each mount under rootfs"],
        exports: ["node_filesystem_*", "shelteragent_filesystem_*"])

    public static func make(_ context: CollectorContext) -> any Collector {
        FilesystemCollector(proc: context.roots.proc, rootfs: context.roots.rootfs)
    }

    private let proc: KeptFiles
    private let rootfs: FileTree
    private let statFS: StatFS
    /// The mounts chosen from the mount table and filesystem types as last read: both seldom change, and a
    /// container host's mount table runs to hundreds of lines, so it is parsed again only when it does.
    private var chosen: (mounts: [UInt8], types: [UInt8], real: [Mounts.Entry])?

    public init(proc: FileTree, rootfs: FileTree, statFS: StatFS = StatFS()) {
        self.proc = KeptFiles(proc)
        self.rootfs = rootfs
        self.statFS = statFS
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        // PID 1's mounts are the host's when /proc is the host's; /proc/self would be ours.
        let mountsFile = try (try? proc.read("1/mounts")) ?? proc.read("self/mounts")
        let typesFile = try proc.read("filesystems")
        let real: [Mounts.Entry]
        if let chosen, chosen.mounts == mountsFile, chosen.types == typesFile {
            real = chosen.real
        } else {
            real = Self.realMounts(try Mounts.parse(mountsFile), types: FilesystemTypes.parse(typesFile))
            chosen = (mountsFile, typesFile, real)
        }
        var filesystems: [Filesystem] = []
        var unavailable: [String] = []
        for entry in real {
            switch statFS.usage(of: rootfs.path(String(entry.mountpoint.drop { $0 == "/" })), fstype: entry.fstype) {
            case .usage(let usage):
                filesystems.append(
                    Filesystem(
                        device: entry.device, mountpoint: entry.mountpoint, fstype: entry.fstype,
                        readOnly: entry.readOnly, sizeBytes: usage.sizeBytes, freeBytes: usage.freeBytes,
                        availableBytes: usage.availableBytes, files: usage.files, filesFree: usage.filesFree))
            case .failed, .stuck:
                unavailable.append(entry.mountpoint)
            }
        }
        snapshot.filesystems = FilesystemSample(filesystems: filesystems, unavailableMountpoints: unavailable)
    }

    static func realMounts(_ mounts: Mounts, types: FilesystemTypes) -> [Mounts.Entry] {
        var seenDevices: Set<String> = []
        return mounts.entries.filter { entry in
            guard !entry.device.isEmpty, entry.device != "none", types.deviceBacked.contains(entry.fstype) else {
                return false
            }
            return seenDevices.insert(entry.device).inserted
        }
    }
}
