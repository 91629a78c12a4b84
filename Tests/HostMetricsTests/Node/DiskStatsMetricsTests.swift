import API
import Testing

@testable import HostMetrics

/// diskstats' `/metrics` side: node_exporter's device filter, every counter the kernel has, and
/// `node_disk_info` and its siblings from udev's database; the JSON keeps whole disks only.
@Suite struct DiskStatsMetricsTests {
    static let tree = Fixtures.directory + "/node/diskstats"

    static func collect(_ root: String = tree) throws -> DiskIOSample {
        let collector = DiskIOCollector(
            proc: FileTree(root: root + "/proc"), sys: FileTree(root: root + "/sys"), rootfs: FileTree(root: root + "/rootfs"))
        var snapshot = Snapshot(sequence: 1, timestamp: 0, hostname: "test")
        try collector.collect(into: &snapshot, at: SampleInstant(monotonic: 1, wall: 1))
        return try #require(snapshot.diskIO)
    }

    static func rendered(_ io: DiskIOSample) -> [String: MetricFamily] {
        var set = MetricSet()
        io.addMetrics(to: &set)
        return Dictionary(uniqueKeysWithValues: set.sortedFamilies.map { ($0.descriptor.name, $0) })
    }

    static func value(_ families: [String: MetricFamily], _ name: String, _ device: String) -> Double? {
        families[name]?.samples.first { $0.labelValues.first == device }?.value
    }

    @Test func theDefaultExcludeHasOneRulePerAlternative() {
        // ram\d+, loop\d+, fd\d+
        for name in ["ram0", "ram15", "loop0", "loop127", "fd0"] { #expect(NodeDeviceFilters.diskstatsExcludes(name), "\(name)") }
        for name in ["ram", "loop", "loopa", "zram0", "fd", "fdd0", "ramdisk0"] {
            #expect(!NodeDeviceFilters.diskstatsExcludes(name), "\(name)")
        }
        // (h|s|v|xv)d[a-z]\d+: partitions of single-letter IDE, SCSI, virtio and Xen disks
        for name in ["hda1", "sda1", "sdz12", "vda3", "xvda1"] { #expect(NodeDeviceFilters.diskstatsExcludes(name), "\(name)") }
        for name in ["sda", "sdaa1", "sdA1", "xvd1", "xda1", "vd1", "sda1p"] {
            #expect(!NodeDeviceFilters.diskstatsExcludes(name), "\(name)")
        }
        // nvme\d+n\d+p\d+: NVMe partitions
        for name in ["nvme0n1p1", "nvme12n3p45"] { #expect(NodeDeviceFilters.diskstatsExcludes(name), "\(name)") }
        for name in ["nvme0n1", "nvme0n1p", "nvmen1p1", "nvme0p1", "nvme0c0n1"] {
            #expect(!NodeDeviceFilters.diskstatsExcludes(name), "\(name)")
        }
        // Everything else stays: stacked devices, MMC partitions, optical and network block devices.
        for name in ["dm-0", "md127", "mmcblk0p1", "sr0", "nbd0", "cciss/c0d0"] {
            #expect(!NodeDeviceFilters.diskstatsExcludes(name), "\(name)")
        }
    }

    @Test func metricsListWhatNodeExporterListsAndJSONWholeDisks() throws {
        let io = try Self.collect()
        #expect(io.metricsDevices.map(\.name) == [
            "sda", "sdaa1", "hdb", "xvda", "vdc", "nvme0n1", "mmcblk0", "mmcblk0p1", "dm-0", "md127", "zram0", "sr0",
        ])
        #expect(!io.devices.map(\.name).contains("zram0") && !io.devices.map(\.name).contains("mmcblk0p1"))
        let info = try #require(Self.rendered(io)["node_disk_info"])
        #expect(Set(info.samples.map { $0.labelValues[0] }) == Set(io.metricsDevices.map(\.name)))
    }

    @Test func everyCounterGoesToItsFamilyInItsUnit() throws {
        let families = Self.rendered(try Self.collect())
        let expected: [(String, Double)] = [
            ("reads_completed_total", 4710), ("reads_merged_total", 1033), ("read_bytes_total", 402_518 * 512),
            ("read_time_seconds_total", 1.97), ("writes_completed_total", 2045), ("writes_merged_total", 1610),
            ("written_bytes_total", 98232 * 512), ("write_time_seconds_total", 2.841), ("io_now", 2),
            ("io_time_seconds_total", 3.38), ("io_time_weighted_seconds_total", 4.812),
            ("discards_completed_total", 310), ("discards_merged_total", 0),
            ("discarded_sectors_total", 262_144), ("discard_time_seconds_total", 0.045),
            ("flush_requests_total", 120), ("flush_requests_time_seconds_total", 0.017),
        ]
        for (family, value) in expected {
            let got = try #require(Self.value(families, "node_disk_\(family)", "sda"), "\(family)")
            #expect(abs(got - value) < 1e-9, "\(family): \(got)")
        }
        #expect(families["node_disk_io_now"]?.descriptor.type == .gauge)
        #expect(families["node_disk_flush_requests_total"]?.descriptor.type == .counter)
        // node_exporter multiplies by 1/1000: 0.017 is 17 × 0.001, whose last digit differs from 17 / 1000.
        #expect(Self.value(families, "node_disk_flush_requests_time_seconds_total", "sda") == 17 * (1.0 / 1000.0))
    }

    /// Older kernels print fewer fields; the families follow (11 counters before 4.18, 15 before 5.5).
    @Test func olderKernelsHaveFewerFamilies() throws {
        func families(_ line: String) throws -> Set<String> {
            let stats = try DiskStats.parse(Array(line.utf8))
            var io = DiskIOSample(devices: [], readBytesPerSecond: nil, writeBytesPerSecond: nil)
            io.metricsDevices = try DiskIOCollector(proc: FileTree(root: "/nonexistent"), sys: FileTree(root: "/nonexistent"))
                .metricsDevices(stats)
            return Set(Self.rendered(io).keys.filter { $0.hasPrefix("node_disk_") && $0 != "node_disk_info" })
        }
        let old = try families("   8       0 sda 1 2 3 4 5 6 7 8 9 10 11\n")
        #expect(old.count == 11 && old.contains("node_disk_io_time_weighted_seconds_total") && !old.contains("node_disk_discards_completed_total"))
        let discards = try families("   8       0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n")
        #expect(discards.count == 15 && discards.contains("node_disk_discard_time_seconds_total") && !discards.contains("node_disk_flush_requests_total"))
        #expect(try families("   8       0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n").count == 17)
    }

    @Test func udevNamesTheDevices() throws {
        let families = Self.rendered(try Self.collect())
        let info = try #require(families["node_disk_info"])
        #expect(info.descriptor.labels == ["device", "major", "minor", "model", "path", "revision", "serial", "wwn"])
        func labels(_ family: String, _ device: String) -> [String]? {
            families[family]?.samples.first { $0.labelValues.first == device }?.labelValues
        }
        #expect(labels("node_disk_info", "sda") == [
            "sda", "8", "0", "EXAMPLE_SSD_500GB", "pci-0000:00:17.0-ata-1", "FW01", "SN0001", "0x5000000000000001",
        ])
        #expect(labels("node_disk_info", "nvme0n1") == [
            "nvme0n1", "259", "0", "EXAMPLE NVME 1TB", "pci-0000:01:00.0-nvme-1", "2B2QEXM7", "NV0002", "eui.0025380000000002",
        ])
        #expect(labels("node_disk_info", "md127") == ["md127", "9", "127", "", "", "", "", ""], "no udev entry: empty labels")
        #expect(families["node_disk_filesystem_info"]?.descriptor.labels == ["device", "type", "usage", "uuid", "version"])
        #expect(labels("node_disk_filesystem_info", "dm-0") == ["dm-0", "ext4", "filesystem", "11111111-2222-3333-4444-555555555555", "1.0"])
        #expect(families["node_disk_filesystem_info"]?.samples.count == 1, "sda1 has a filesystem but is excluded")
        #expect(families["node_disk_device_mapper_info"]?.descriptor.labels == ["device", "lv_layer", "lv_name", "name", "uuid", "vg_name"])
        #expect(labels("node_disk_device_mapper_info", "dm-0") == [
            "dm-0", "", "root", "vg0-root", "LVM-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "vg0",
        ])
        #expect(Self.value(families, "node_disk_ata_write_cache", "sda") == 1)
        #expect(Self.value(families, "node_disk_ata_write_cache_enabled", "sda") == 0)
        #expect(Self.value(families, "node_disk_ata_rotation_rate_rpm", "sda") == 0)
        #expect(families["node_disk_ata_write_cache"]?.samples.count == 1, "only ATA disks")
    }

    @Test func udevDataParses() {
        let data = UdevData.parse(Array("S:disk/by-id/x\nE:ID_MODEL=A=B\nE:NOEQUALS\nE:EMPTY=\nI:1\n".utf8))
        #expect(data.properties == ["ID_MODEL": "A=B", "EMPTY": ""])
    }

    /// This host's page, from the captured tree: its disks and zram, not its loop devices; no udev
    /// database here (as in most containers), so every label udev would give is empty.
    @Test func capturedHost() throws {
        let io = try Self.collect(Fixtures.directory + "/host")
        let stats = try DiskStats.parse(try Fixtures.bytes("host/proc/diskstats"))
        #expect(io.metricsDevices.map(\.name) == stats.devices.map(\.name).filter { !$0.hasPrefix("loop") })
        #expect(io.devices.map(\.name) == ["vda"], "the JSON keeps whole disks without zram")
        let families = Self.rendered(io)
        let vda = try #require(stats.devices.first { $0.name == "vda" })
        #expect(Self.value(families, "node_disk_written_bytes_total", "vda") == Double(vda.counters[6] * 512))
        #expect(families["node_disk_info"]?.samples.allSatisfy { $0.labelValues[3...].allSatisfy(\.isEmpty) } == true)
    }
}
