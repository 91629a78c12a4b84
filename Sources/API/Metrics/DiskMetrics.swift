/// Filesystem and block device families, with node_exporter's names and labels.
public enum DiskMetrics {
    static let fsLabels = ["device", "fstype", "mountpoint"]
    public static let size = MetricDescriptor(
        "node_filesystem_size_bytes", .gauge, "Size of the filesystem in bytes.", labels: fsLabels)
    public static let free = MetricDescriptor(
        "node_filesystem_free_bytes", .gauge, "Free bytes on the filesystem, those reserved for root included.", labels: fsLabels)
    public static let avail = MetricDescriptor(
        "node_filesystem_avail_bytes", .gauge, "Bytes on the filesystem that unprivileged users may still use.",
        labels: fsLabels)
    public static let files = MetricDescriptor(
        "node_filesystem_files", .gauge, "Inodes on the filesystem.", labels: fsLabels)
    public static let filesFree = MetricDescriptor(
        "node_filesystem_files_free", .gauge, "Free inodes on the filesystem.", labels: fsLabels)
    public static let readOnly = MetricDescriptor(
        "node_filesystem_readonly", .gauge, "1 if the filesystem is mounted read-only, else 0.", labels: fsLabels)
    public static let deviceError = MetricDescriptor(
        "node_filesystem_device_error", .gauge,
        "1 if statvfs on the mount point failed or did not answer in time (then no other figure), else 0.",
        labels: fsLabels)
    public static let usage = MetricDescriptor(
        "shelteragent_filesystem_usage_ratio", .gauge,
        "used / (used + available) summed over real filesystems, 0 to 1 (what the dashboard shows as disk %).")

    static let device = ["device"]
    static func counter(_ name: String, _ help: String) -> MetricDescriptor {
        MetricDescriptor("node_disk_\(name)", .counter, help, labels: device)
    }
    /// /proc/diskstats' counters in the kernel's order (Documentation/admin-guide/iostats.rst), each with
    /// its family and the factor node_exporter applies: sectors are 512 bytes whatever the device's, times
    /// are milliseconds. Discarded sectors stay sectors, as node_exporter leaves them.
    static let counters: [(MetricDescriptor, Double)] = [
        (counter("reads_completed_total", "Reads completed."), 1),
        (counter("reads_merged_total", "Adjacent reads merged into one."), 1),
        (counter("read_bytes_total", "Bytes read."), 512),
        (counter("read_time_seconds_total", "Seconds spent on reads, summed over requests."), secondsPerMillisecond),
        (counter("writes_completed_total", "Writes completed."), 1),
        (counter("writes_merged_total", "Adjacent writes merged into one."), 1),
        (counter("written_bytes_total", "Bytes written."), 512),
        (counter("write_time_seconds_total", "Seconds spent on writes, summed over requests."), secondsPerMillisecond),
        (MetricDescriptor("node_disk_io_now", .gauge, "I/Os in progress.", labels: device), 1),
        (counter("io_time_seconds_total", "Seconds the device had I/O in progress."), secondsPerMillisecond),
        (counter("io_time_weighted_seconds_total", "Seconds of I/O weighted by the I/Os in progress."),
         secondsPerMillisecond),
        (counter("discards_completed_total", "Discards completed."), 1),
        (counter("discards_merged_total", "Adjacent discards merged into one."), 1),
        (counter("discarded_sectors_total", "Sectors discarded."), 1),
        (counter("discard_time_seconds_total", "Seconds spent on discards, summed over requests."), secondsPerMillisecond),
        (counter("flush_requests_total", "Flush requests completed."), 1),
        (counter("flush_requests_time_seconds_total", "Seconds spent on flush requests, summed over requests."),
         secondsPerMillisecond),
    ]
    /// node_exporter multiplies by 1/1000 rather than dividing by 1000; the last digit of some values
    /// differs between the two, so this is what it does.
    static let secondsPerMillisecond = 1.0 / 1000.0

    public static let info = MetricDescriptor(
        "node_disk_info", .gauge, "A block device's numbers and udev's names for it; always 1.",
        labels: ["device", "major", "minor", "model", "path", "revision", "serial", "wwn"])
    public static let filesystemInfo = MetricDescriptor(
        "node_disk_filesystem_info", .gauge, "The filesystem udev found on a block device; always 1.",
        labels: ["device", "type", "usage", "uuid", "version"])
    public static let deviceMapperInfo = MetricDescriptor(
        "node_disk_device_mapper_info", .gauge, "A device-mapper device's names as udev has them; always 1.",
        labels: ["device", "lv_layer", "lv_name", "name", "uuid", "vg_name"])
    /// udev's ATA properties node_exporter exports as numbers.
    static let ataFamilies: [(property: String, descriptor: MetricDescriptor)] = [
        ("ID_ATA_WRITE_CACHE", MetricDescriptor(
            "node_disk_ata_write_cache", .gauge, "1 if the ATA disk has a write cache.", labels: device)),
        ("ID_ATA_WRITE_CACHE_ENABLED", MetricDescriptor(
            "node_disk_ata_write_cache_enabled", .gauge, "1 if the ATA disk's write cache is on.", labels: device)),
        ("ID_ATA_ROTATION_RATE_RPM", MetricDescriptor(
            "node_disk_ata_rotation_rate_rpm", .gauge, "The ATA disk's rotation rate in RPM, 0 for an SSD.",
            labels: device)),
    ]
    /// The udev properties the families above read; the collector keeps only these.
    public static let udevProperties: Set<String> = [
        "ID_PATH", "ID_WWN", "ID_MODEL", "ID_SERIAL_SHORT", "ID_REVISION", "ID_FS_TYPE", "ID_FS_USAGE", "ID_FS_UUID",
        "ID_FS_VERSION", "DM_NAME", "DM_UUID", "DM_VG_NAME", "DM_LV_NAME", "DM_LV_LAYER", "ID_ATA",
        "ID_ATA_WRITE_CACHE", "ID_ATA_WRITE_CACHE_ENABLED", "ID_ATA_ROTATION_RATE_RPM",
    ]
    public static let readRate = MetricDescriptor(
        "shelteragent_disk_read_bytes_per_second", .gauge,
        "Bytes read per second from physical disks over the last collection interval.")
    public static let writeRate = MetricDescriptor(
        "shelteragent_disk_written_bytes_per_second", .gauge,
        "Bytes written per second to physical disks over the last collection interval.")

    static func add(_ filesystems: FilesystemSample, to set: inout MetricSet) {
        for fs in filesystems.metricsFilesystems {
            let labels = [fs.device, fs.fstype, fs.mountpoint]
            set.add(deviceError, labels, fs.space == nil ? 1 : 0)
            guard let space = fs.space else { continue }
            set.add(size, labels, space.sizeBytes)
            set.add(free, labels, space.freeBytes)
            set.add(avail, labels, space.availableBytes)
            set.add(files, labels, space.files)
            set.add(filesFree, labels, space.filesFree)
            set.add(readOnly, labels, fs.readOnly ? 1 : 0)
        }
        set.add(usage, [], filesystems.usagePercent / 100)
    }

    static func add(_ io: DiskIOSample, to set: inout MetricSet) {
        for row in io.metricsDevices {
            let labels = [row.name]
            let udev = row.udev
            set.add(
                info,
                [row.name, String(row.major), String(row.minor), udev["ID_MODEL"] ?? "", udev["ID_PATH"] ?? "",
                 udev["ID_REVISION"] ?? "", udev["ID_SERIAL_SHORT"] ?? "", udev["ID_WWN"] ?? ""],
                1)
            // As many families as the kernel has fields: 11 before 4.18, 15 before 5.5, 17 since.
            for (index, value) in row.counters.prefix(counters.count).enumerated() {
                let (descriptor, factor) = counters[index]
                set.add(descriptor, labels, factor == 1 ? Double(value) : Double(value) * factor)
            }
            if let type = udev["ID_FS_TYPE"], !type.isEmpty {
                set.add(
                    filesystemInfo,
                    [row.name, type, udev["ID_FS_USAGE"] ?? "", udev["ID_FS_UUID"] ?? "", udev["ID_FS_VERSION"] ?? ""], 1)
            }
            if let name = udev["DM_NAME"], !name.isEmpty {
                set.add(
                    deviceMapperInfo,
                    [row.name, udev["DM_LV_LAYER"] ?? "", udev["DM_LV_NAME"] ?? "", name, udev["DM_UUID"] ?? "",
                     udev["DM_VG_NAME"] ?? ""], 1)
            }
            if let ata = udev["ID_ATA"], !ata.isEmpty {
                for (property, descriptor) in ataFamilies {
                    if let text = udev[property], let value = Double(text) { set.add(descriptor, labels, value) }
                }
            }
        }
        set.add(readRate, [], io.readBytesPerSecond)
        set.add(writeRate, [], io.writeBytesPerSecond)
    }
}

extension FilesystemSample: SnapshotSection {
    public func addMetrics(to set: inout MetricSet) { DiskMetrics.add(self, to: &set) }

    public func addHistory(to row: inout HistoryRow) {
        row.add("disk_used_percent", usagePercent)
        for filesystem in filesystems { row.add("filesystem_used_percent:\(filesystem.mountpoint)", filesystem.usagePercent) }
    }
}

extension DiskIOSample: SnapshotSection {
    public func addMetrics(to set: inout MetricSet) { DiskMetrics.add(self, to: &set) }

    public func addHistory(to row: inout HistoryRow) {
        row.add("disk_read_bytes_per_second", readBytesPerSecond)
        row.add("disk_write_bytes_per_second", writeBytesPerSecond)
    }
}
