import API

/// node_exporter's `btrfs`, from sysfs: per filesystem (/sys/fs/btrfs/<uuid>) its label, global reserve,
/// and per block group type (data, metadata, system) the reserved bytes and each layout's (single, dup,
/// raid1, …) size, use and allocation ratio, and each device's size.
///
/// node_exporter adds, where its ioctls on a mounted filesystem work, per-device error counts and unused
/// bytes and a `btrfs_dev_uuid` label on `node_btrfs_device_size_bytes`; that part is not done here
/// (no ioctl), so on such a host this collector gives what node_exporter gives when its ioctls fail.
public final class BtrfsCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "btrfs", recheckWhenAbsent: 60,
        reads: [
            "sys/fs/btrfs/*-*/{label,metadata_uuid}", "sys/fs/btrfs/*-*/allocation/**", "sys/fs/btrfs/*-*/devices/*/size",
        ],
        exports: [
            "node_btrfs_info", "node_btrfs_global_rsv_size_bytes", "node_btrfs_reserved_bytes", "node_btrfs_used_bytes",
            "node_btrfs_size_bytes", "node_btrfs_allocation_ratio", "node_btrfs_device_size_bytes",
        ])

    public static func make(_ context: CollectorContext) -> any Collector { BtrfsCollector(sys: context.roots.sys) }

    static let infoDescriptor = MetricDescriptor(
        "node_btrfs_info", .gauge, "The btrfs filesystem's label, always 1.", labels: ["label", "uuid"])
    static let globalReserve = MetricDescriptor(
        "node_btrfs_global_rsv_size_bytes", .gauge, "Size of the filesystem's global reserve, in bytes.", labels: ["uuid"])
    static let reserved = MetricDescriptor(
        "node_btrfs_reserved_bytes", .gauge, "Bytes reserved for the block group type.", labels: ["block_group_type", "uuid"])
    static let used = MetricDescriptor(
        "node_btrfs_used_bytes", .gauge, "Bytes used by the block group type in this layout.",
        labels: ["block_group_type", "mode", "uuid"])
    static let size = MetricDescriptor(
        "node_btrfs_size_bytes", .gauge, "Bytes allocated to the block group type in this layout.",
        labels: ["block_group_type", "mode", "uuid"])
    static let ratio = MetricDescriptor(
        "node_btrfs_allocation_ratio", .gauge, "Raw bytes the layout uses per byte stored (2 for dup and raid1).",
        labels: ["block_group_type", "mode", "uuid"])
    static let deviceSize = MetricDescriptor(
        "node_btrfs_device_size_bytes", .gauge, "Size of a device of the filesystem, in bytes.", labels: ["device", "uuid"])

    private let sys: FileTree

    public init(sys: FileTree) {
        self.sys = sys
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        // procfs globs `*-*`: filesystem UUIDs, not `features` (the module's own directory).
        for entry in try sys.sortedListIfPresent("fs/btrfs") ?? [] where entry.contains("-") {
            try addFilesystem("fs/btrfs/" + entry, entry, into: &samples)
        }
        snapshot.setSection(name, samples)
    }

    private func addFilesystem(_ directory: String, _ entry: String, into samples: inout MetricSamples) throws {
        let devices = try sys.list(directory + "/devices").sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let metadataUUID = try text(directory + "/metadata_uuid")
        let uuid = metadataUUID.isEmpty ? entry : metadataUUID
        samples.add(Self.infoDescriptor, [try text(directory + "/label"), uuid], 1.0)
        samples.add(Self.globalReserve, [uuid], try value(directory + "/allocation/global_rsv_size"))
        for type in ["data", "metadata", "system"] {
            let group = directory + "/allocation/" + type
            samples.add(Self.reserved, [type, uuid], try value(group + "/bytes_reserved"))
            for entry in try sys.entriesIfPresent(group) ?? [] where entry.kind == .directory {
                let labels = [type, entry.name, uuid]
                samples.add(Self.used, labels, try value(group + "/" + entry.name + "/used_bytes"))
                samples.add(Self.size, labels, try value(group + "/" + entry.name + "/total_bytes"))
                samples.add(Self.ratio, labels, Self.allocationRatio(entry.name, devices: devices.count))
            }
        }
        for device in devices {
            samples.add(Self.deviceSize, [device, uuid], 512 * (try value(directory + "/devices/" + device + "/size")))
        }
    }

    /// Raw space per byte stored, by layout, as procfs computes it (0 for a layout it does not know).
    static func allocationRatio(_ layout: String, devices: Int) -> Double {
        switch layout {
        case "single", "raid0": return 1
        case "dup", "raid1", "raid10": return 2
        case "raid5": return Double(devices) / (Double(devices) - 1)
        case "raid6": return Double(devices) / (Double(devices) - 2)
        default: return 0
        }
    }

    /// A file's trimmed text, empty when it is not there (older kernels lack metadata_uuid).
    private func text(_ relative: String) throws -> String {
        try sys.readIfPresent(relative).map(SysfsAttribute.text) ?? ""
    }

    /// A file's number, 0 when it is missing or not a number, as procfs reads these.
    private func value(_ relative: String) throws -> UInt64 {
        UInt64(try text(relative)) ?? 0
    }
}
