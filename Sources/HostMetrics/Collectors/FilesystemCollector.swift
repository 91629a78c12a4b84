import API

/// Space on real mounted filesystems, as psutil's `disk_partitions(all=False)` chooses them (a device,
/// and a type that /proc/filesystems lists without `nodev`), each device once: bind mounts and
/// container overlays of one disk would otherwise count its space twice. That is the JSON's and the
/// dashboard's list; `/metrics` lists the mounts node_exporter's default excludes keep (tmpfs ones
/// too), with its device errors. One statvfs per mount point serves both.
public final class FilesystemCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "filesystem", cadence: .everyPass, reads: ["proc/1/mounts", "proc/filesystems", "statvfs of each mount under rootfs"],
        exports: ["node_filesystem_*", "shelteragent_filesystem_*"])

    public static func make(_ context: CollectorContext) -> any Collector {
        FilesystemCollector(proc: context.roots.proc, rootfs: context.roots.rootfs)
    }

    /// A mount in node_exporter's list: its entry, and its device and mount point as node_exporter's
    /// labels spell them.
    struct NodeMount: Equatable {
        var entry: Mounts.Entry
        /// Relative to ROOTFS; where statvfs asks (under ROOTFS).
        var mountpoint: String
        var deviceLabel: String
        var mountpointLabel: String
    }

    private let proc: KeptFiles
    /// PID 1's mounts are the host's when /proc is the host's; /proc/self would be ours.
    private let mountTable: WatchedMountTable
    private let rootfs: FileTree
    private let statFS: StatFS
    /// The mounts chosen from the mount table and filesystem types as last read: both seldom change, and a
    /// container host's mount table runs to hundreds of lines, so it is parsed again only when it does.
    private var chosen: (mounts: [UInt8], types: [UInt8], real: [Mounts.Entry], node: [NodeMount])?

    public init(proc: FileTree, rootfs: FileTree, statFS: StatFS = StatFS()) {
        self.proc = KeptFiles(proc)
        self.mountTable = WatchedMountTable(proc, candidates: ["1/mounts", "self/mounts"])
        self.rootfs = rootfs
        self.statFS = statFS
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        let mountsFile = try mountTable.read()
        let typesFile = try proc.read("filesystems")
        let real: [Mounts.Entry], node: [NodeMount]
        if let chosen, chosen.mounts == mountsFile, chosen.types == typesFile {
            (real, node) = (chosen.real, chosen.node)
        } else {
            let mounts = try Mounts.parse(mountsFile)
            real = Self.realMounts(mounts, types: FilesystemTypes.parse(typesFile))
            node = Self.nodeExporterMounts(mounts, rootfs: rootfs.root)
            chosen = (mountsFile, typesFile, real, node)
        }
        var outcomes: [String: StatFS.Outcome] = [:]
        func usage(_ mountpoint: String, _ fstype: String) -> StatFS.Usage? {
            let path = rootfs.path(String(mountpoint.drop { $0 == "/" }))
            let outcome = outcomes[path] ?? statFS.usage(of: path, fstype: fstype)
            outcomes[path] = outcome
            if case .usage(let usage) = outcome { return usage }
            return nil
        }
        var filesystems: [Filesystem] = []
        var unavailable: [String] = []
        for entry in real {
            if let usage = usage(entry.mountpoint, entry.fstype) {
                filesystems.append(
                    Filesystem(
                        device: entry.device, mountpoint: entry.mountpoint, fstype: entry.fstype,
                        readOnly: entry.readOnly, sizeBytes: usage.sizeBytes, freeBytes: usage.freeBytes,
                        availableBytes: usage.availableBytes, files: usage.files, filesFree: usage.filesFree))
            } else {
                unavailable.append(entry.mountpoint)
            }
        }
        var sample = FilesystemSample(filesystems: filesystems, unavailableMountpoints: unavailable)
        sample.metricsFilesystems = node.map { mount in
            let space = usage(mount.mountpoint, mount.entry.fstype).map { usage in
                let bytes = usage.nodeExporterBytes
                return NodeFilesystem.Space(
                    sizeBytes: bytes.size, freeBytes: bytes.free, availableBytes: bytes.available,
                    files: Double(usage.files), filesFree: Double(usage.filesFree))
            }
            return NodeFilesystem(
                device: mount.deviceLabel, mountpoint: mount.mountpointLabel, fstype: mount.entry.fstype,
                readOnly: mount.entry.readOnly, space: space)
        }
        snapshot.filesystems = sample
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

    /// node_exporter's list: every mount but those its default mount point and type excludes drop, with
    /// the mount point relative to ROOTFS, each (device, mount point, type) once, the first kept.
    static func nodeExporterMounts(_ mounts: Mounts, rootfs: String) -> [NodeMount] {
        var seen: Set<[String]> = []
        return mounts.entries.compactMap { entry in
            let mountpoint = strippingRootfs(entry.mountpoint, rootfs: rootfs)
            let device = escaped(entry.device, keeping: [])
            let label = escaped(mountpoint, keeping: [" ", "\t"])
            guard !NodeDeviceFilters.filesystemExcludesMountPoint(label),
                !NodeDeviceFilters.filesystemExcludesType(entry.fstype),
                seen.insert([device, label, entry.fstype]).inserted
            else { return nil }
            return NodeMount(entry: entry, mountpoint: mountpoint, deviceLabel: device, mountpointLabel: label)
        }
    }

    /// The kernel writes space, tab, newline and backslash in mount table fields as octal escapes, which
    /// `Mounts` decodes; node_exporter decodes only `\040` and `\011` of the mount point and nothing of
    /// the device, so its labels keep the others as the kernel wrote them.
    static func escaped(_ field: String, keeping decoded: Set<Character>) -> String {
        guard field.contains(where: { "\n\\ \t".contains($0) }) else { return field }
        var out = ""
        for character in field {
            switch character {
            case _ where decoded.contains(character): out.append(character)
            case " ": out += "\\040"
            case "\t": out += "\\011"
            case "\n": out += "\\012"
            case "\\": out += "\\134"
            default: out.append(character)
            }
        }
        return out
    }

    /// `/host/boot` is `/boot` when ROOTFS is /host (a mount table read from inside a container that sees
    /// the host's root there). node_exporter strips the prefix as a string, so `/hostdata` would become
    /// `data`; here only a whole path component is stripped.
    static func strippingRootfs(_ mountpoint: String, rootfs: String) -> String {
        guard rootfs != "/" else { return mountpoint }
        if mountpoint == rootfs { return "/" }
        if mountpoint.hasPrefix(rootfs + "/") { return String(mountpoint.dropFirst(rootfs.count)) }
        return mountpoint
    }
}
