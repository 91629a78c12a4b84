/// Space on every real mounted filesystem, one entry per device, and their sum.
public struct FilesystemSample: Sendable {
    public var filesystems: [Filesystem]
    public var totalBytes: UInt64
    public var usedBytes: UInt64
    /// Space available to unprivileged users (psutil's `free`).
    public var freeBytes: UInt64
    /// used / (used + free), 0–100, as psutil and `df` compute it.
    public var usagePercent: Double
    /// Mount points whose statvfs failed or hung on this pass.
    public var unavailableMountpoints: [String]
    /// node_exporter's list for `/metrics`: every mount its default excludes keep (tmpfs ones too), under
    /// its labels, each label set once.
    public var metricsFilesystems: [NodeFilesystem] = []

    public init(filesystems: [Filesystem], unavailableMountpoints: [String] = []) {
        self.filesystems = filesystems
        self.unavailableMountpoints = unavailableMountpoints
        totalBytes = filesystems.reduce(0) { $0 + $1.sizeBytes }
        usedBytes = filesystems.reduce(0) { $0 + $1.usedBytes }
        freeBytes = filesystems.reduce(0) { $0 + $1.availableBytes }
        usagePercent = Filesystem.percent(used: usedBytes, available: freeBytes)
    }
}

/// One mounted filesystem as statvfs saw it.
public struct Filesystem: Sendable, Equatable {
    public var device: String
    public var mountpoint: String
    public var fstype: String
    public var readOnly: Bool
    public var sizeBytes: UInt64
    /// Free blocks including those reserved for root (node_filesystem_free_bytes).
    public var freeBytes: UInt64
    /// Free blocks an unprivileged user may use (node_filesystem_avail_bytes).
    public var availableBytes: UInt64
    public var files: UInt64
    public var filesFree: UInt64

    public init(
        device: String, mountpoint: String, fstype: String, readOnly: Bool, sizeBytes: UInt64,
        freeBytes: UInt64, availableBytes: UInt64, files: UInt64, filesFree: UInt64
    ) {
        self.device = device
        self.mountpoint = mountpoint
        self.fstype = fstype
        self.readOnly = readOnly
        self.sizeBytes = sizeBytes
        self.freeBytes = freeBytes
        self.availableBytes = availableBytes
        self.files = files
        self.filesFree = filesFree
    }

    public var usedBytes: UInt64 { sizeBytes >= freeBytes ? sizeBytes - freeBytes : 0 }
    public var usagePercent: Double { Self.percent(used: usedBytes, available: availableBytes) }

    static func percent(used: UInt64, available: UInt64) -> Double {
        let denominator = used + available
        return denominator == 0 ? 0 : Double(used) / Double(denominator) * 100
    }
}

/// One mount as node_exporter's filesystem collector reports it.
public struct NodeFilesystem: Sendable, Equatable {
    /// statvfs's figures as node_exporter computes them.
    public struct Space: Sendable, Equatable {
        public var sizeBytes, freeBytes, availableBytes, files, filesFree: Double

        public init(sizeBytes: Double, freeBytes: Double, availableBytes: Double, files: Double, filesFree: Double) {
            self.sizeBytes = sizeBytes
            self.freeBytes = freeBytes
            self.availableBytes = availableBytes
            self.files = files
            self.filesFree = filesFree
        }
    }

    public var device: String
    /// Relative to ROOTFS, as node_exporter's `--path.rootfs` strips it.
    public var mountpoint: String
    public var fstype: String
    public var readOnly: Bool
    /// nil when statvfs failed or hung: node_filesystem_device_error 1 and no other family.
    public var space: Space?

    public init(device: String, mountpoint: String, fstype: String, readOnly: Bool, space: Space?) {
        self.device = device
        self.mountpoint = mountpoint
        self.fstype = fstype
        self.readOnly = readOnly
        self.space = space
    }
}

/// Block device I/O from /proc/diskstats: whole disks only, never their partitions (the JSON and the
/// dashboard), and node_exporter's own choice of devices for `/metrics`.
public struct DiskIOSample: Sendable {
    public var devices: [BlockDevice]
    /// Every /proc/diskstats row node_exporter's default device filter keeps (partitions of some disks
    /// included, loop and RAM disks not), with its udev properties.
    public var metricsDevices: [DiskStatsRow] = []
    /// Summed over physical disks (device-mapper and md devices sit on top of them and would count twice);
    /// `nil` until two samples exist.
    public var readBytesPerSecond: Double?
    public var writeBytesPerSecond: Double?

    public init(devices: [BlockDevice], readBytesPerSecond: Double?, writeBytesPerSecond: Double?) {
        self.devices = devices
        self.readBytesPerSecond = readBytesPerSecond
        self.writeBytesPerSecond = writeBytesPerSecond
    }
}

/// One whole block device: cumulative counters and the rates over the last interval.
public struct BlockDevice: Sendable, Equatable {
    public var name: String
    public var readsCompleted: UInt64
    public var readsMerged: UInt64
    public var readBytes: UInt64
    public var readTimeSeconds: Double
    public var writesCompleted: UInt64
    public var writesMerged: UInt64
    public var writtenBytes: UInt64
    public var writeTimeSeconds: Double
    public var ioInProgress: UInt64
    public var ioTimeSeconds: Double
    public var readBytesPerSecond: Double?
    public var writeBytesPerSecond: Double?
    public var readsPerSecond: Double?
    public var writesPerSecond: Double?

    public init(
        name: String, readsCompleted: UInt64, readsMerged: UInt64, readBytes: UInt64,
        readTimeSeconds: Double, writesCompleted: UInt64, writesMerged: UInt64, writtenBytes: UInt64,
        writeTimeSeconds: Double, ioInProgress: UInt64, ioTimeSeconds: Double
    ) {
        self.name = name
        self.readsCompleted = readsCompleted
        self.readsMerged = readsMerged
        self.readBytes = readBytes
        self.readTimeSeconds = readTimeSeconds
        self.writesCompleted = writesCompleted
        self.writesMerged = writesMerged
        self.writtenBytes = writtenBytes
        self.writeTimeSeconds = writeTimeSeconds
        self.ioInProgress = ioInProgress
        self.ioTimeSeconds = ioTimeSeconds
    }
}

/// One /proc/diskstats row as node_exporter exports it, and what udev knows of the device.
public struct DiskStatsRow: Sendable, Equatable {
    public var name: String
    public var major, minor: UInt64
    /// The counters after the name, in the kernel's order: 11, 15 with discards (4.18+), 17 with flushes
    /// (5.5+).
    public var counters: [UInt64]
    /// udev's `E:` properties that node_exporter turns into labels (ID_PATH, ID_WWN, ID_MODEL, ...).
    public var udev: [String: String]

    public init(name: String, major: UInt64, minor: UInt64, counters: [UInt64], udev: [String: String] = [:]) {
        self.name = name
        self.major = major
        self.minor = minor
        self.counters = counters
        self.udev = udev
    }
}
