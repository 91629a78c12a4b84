/// Filesystem and block device families, with node_exporter's names and labels.
public enum DiskMetrics {
    static let fsLabels = ["device", "fstype", "mountpoint"]
    public static let size = MetricDescriptor(
        "node_filesystem_size_bytes", .gauge, "Filesystem size in bytes.", labels: fsLabels)
    public static let free = MetricDescriptor(
        "node_filesystem_free_bytes", .gauge, "Filesystem free space in bytes.", labels: fsLabels)
    public static let avail = MetricDescriptor(
        "node_filesystem_avail_bytes", .gauge, "Filesystem space available to non-root users in bytes.",
        labels: fsLabels)
    public static let files = MetricDescriptor(
        "node_filesystem_files", .gauge, "Filesystem total file nodes.", labels: fsLabels)
    public static let filesFree = MetricDescriptor(
        "node_filesystem_files_free", .gauge, "Filesystem total free file nodes.", labels: fsLabels)
    public static let readOnly = MetricDescriptor(
        "node_filesystem_readonly", .gauge, "Filesystem read-only status.", labels: fsLabels)
    public static let usage = MetricDescriptor(
        "shelteragent_filesystem_usage_ratio", .gauge,
        "used / (used + available) summed over real filesystems, 0 to 1 (what the dashboard shows as disk %).")

    static let device = ["device"]
    public static let readsCompleted = MetricDescriptor(
        "node_disk_reads_completed_total", .counter, "The total number of reads completed successfully.",
        labels: device)
    public static let readsMerged = MetricDescriptor(
        "node_disk_reads_merged_total", .counter, "The total number of reads merged.", labels: device)
    public static let readBytes = MetricDescriptor(
        "node_disk_read_bytes_total", .counter, "The total number of bytes read successfully.", labels: device)
    public static let readTime = MetricDescriptor(
        "node_disk_read_time_seconds_total", .counter, "The total number of seconds spent by all reads.",
        labels: device)
    public static let writesCompleted = MetricDescriptor(
        "node_disk_writes_completed_total", .counter, "The total number of writes completed successfully.",
        labels: device)
    public static let writesMerged = MetricDescriptor(
        "node_disk_writes_merged_total", .counter, "The number of writes merged.", labels: device)
    public static let writtenBytes = MetricDescriptor(
        "node_disk_written_bytes_total", .counter, "The total number of bytes written successfully.",
        labels: device)
    public static let writeTime = MetricDescriptor(
        "node_disk_write_time_seconds_total", .counter, "This is the total number of seconds spent by all writes.",
        labels: device)
    public static let ioNow = MetricDescriptor(
        "node_disk_io_now", .gauge, "The number of I/Os currently in progress.", labels: device)
    public static let ioTime = MetricDescriptor(
        "node_disk_io_time_seconds_total", .counter, "Total seconds spent doing I/Os.", labels: device)
    public static let readRate = MetricDescriptor(
        "shelteragent_disk_read_bytes_per_second", .gauge,
        "Bytes read per second from physical disks over the last collection interval.")
    public static let writeRate = MetricDescriptor(
        "shelteragent_disk_written_bytes_per_second", .gauge,
        "Bytes written per second to physical disks over the last collection interval.")

    static func add(_ filesystems: FilesystemSample, to set: inout MetricSet) {
        for fs in filesystems.filesystems {
            let labels = [fs.device, fs.fstype, fs.mountpoint]
            set.add(size, labels, fs.sizeBytes)
            set.add(free, labels, fs.freeBytes)
            set.add(avail, labels, fs.availableBytes)
            set.add(files, labels, fs.files)
            set.add(filesFree, labels, fs.filesFree)
            set.add(readOnly, labels, fs.readOnly ? 1 : 0)
        }
        set.add(usage, [], filesystems.usagePercent / 100)
    }

    static func add(_ io: DiskIOSample, to set: inout MetricSet) {
        for disk in io.devices {
            let labels = [disk.name]
            set.add(readsCompleted, labels, disk.readsCompleted)
            set.add(readsMerged, labels, disk.readsMerged)
            set.add(readBytes, labels, disk.readBytes)
            set.add(readTime, labels, disk.readTimeSeconds)
            set.add(writesCompleted, labels, disk.writesCompleted)
            set.add(writesMerged, labels, disk.writesMerged)
            set.add(writtenBytes, labels, disk.writtenBytes)
            set.add(writeTime, labels, disk.writeTimeSeconds)
            set.add(ioNow, labels, disk.ioInProgress)
            set.add(ioTime, labels, disk.ioTimeSeconds)
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
