import API
import Dispatch
import Foundation
import Testing

@testable import HostMetrics

/// filesystem's `/metrics` side: node_exporter's default excludes, labels and device errors, while the
/// JSON keeps psutil's list.
@Suite struct FilesystemMetricsTests {
    @Test func theMountPointExcludeHasOneRulePerAlternative() {
        let excluded = [
            "/dev", "/dev/shm", "/proc", "/proc/sys/fs/binfmt_misc", "/run", "/run/user/1000", "/sys",
            "/sys/fs/cgroup", "/mnt", "/mnt/nas", "/media", "/media/usb", "/var/lib/docker/overlay2/x/merged",
            "/var/lib/docker/x", "/var/lib/containers/storage/overlay",
        ]
        for mountpoint in excluded { #expect(NodeDeviceFilters.filesystemExcludesMountPoint(mountpoint), "\(mountpoint)") }
        let kept = [
            "/", "/devices", "/running", "/mntx", "/var/lib/docker", "/var/lib/docker/", "/var/lib/containers/storage/",
            "/home", "/boot/efi", "/srv/media", "/var/lib/dockerd/x", "dev", "/var/lib/docker/\n",
        ]
        for mountpoint in kept { #expect(!NodeDeviceFilters.filesystemExcludesMountPoint(mountpoint), "\(mountpoint)") }
    }

    @Test func theTypeExcludeHasOneRulePerAlternative() {
        let excluded = [
            "autofs", "binfmt_misc", "bpf", "cgroup", "cgroup2", "configfs", "debugfs", "devpts", "devtmpfs", "fusectl",
            "hugetlbfs", "iso9660", "mqueue", "nsfs", "overlay", "proc", "procfs", "pstore", "rpc_pipefs", "securityfs",
            "selinuxfs", "squashfs", "sysfs", "tracefs",
        ]
        #expect(NodeDeviceFilters.filesystemExcludedTypes.count == excluded.count)
        for type in excluded { #expect(NodeDeviceFilters.filesystemExcludesType(type), "\(type)") }
        for type in ["ext4", "tmpfs", "xfs", "nfs4", "fuse.sshfs", "cgroup3", "overlayfs", "proc2", ""] {
            #expect(!NodeDeviceFilters.filesystemExcludesType(type), "\(type)")
        }
    }

    @Test func rootfsIsStrippedAtAPathBoundary() {
        #expect(FilesystemCollector.strippingRootfs("/host/boot", rootfs: "/host") == "/boot")
        #expect(FilesystemCollector.strippingRootfs("/host", rootfs: "/host") == "/")
        #expect(FilesystemCollector.strippingRootfs("/hostdata", rootfs: "/host") == "/hostdata")
        #expect(FilesystemCollector.strippingRootfs("/boot", rootfs: "/") == "/boot")
    }

    @Test func nodeExporterMultipliesByTheBlockSize() {
        let usage = StatFS.Usage(
            sizeBytes: 1024 * 100, freeBytes: 1024 * 40, availableBytes: 1024 * 30, files: 5, filesFree: 2,
            fragmentSize: 1024, blockSize: 4096)
        let bytes = usage.nodeExporterBytes
        #expect(bytes.size == 4096 * 100 && bytes.free == 4096 * 40 && bytes.available == 4096 * 30)
        let unknown = StatFS.Usage(sizeBytes: 7, freeBytes: 6, availableBytes: 5, files: 0, filesFree: 0)
        #expect(unknown.nodeExporterBytes.size == 7)
    }

    /// A mount table with what each list keeps or drops; statvfs is a stand-in that fails for /data and
    /// hangs for the NFS mount.
    @Test func eachListKeepsItsOwnMountsAndAFailedStatvfsIsADeviceError() throws {
        let root = FileManager.default.temporaryDirectory.path + "/fs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/proc/1", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try "nodev\tproc\nnodev\ttmpfs\nnodev\toverlay\nnodev\tnfs4\n\text4\n"
            .write(toFile: root + "/proc/filesystems", atomically: true, encoding: .utf8)
        try """
            /dev/vda / ext4 rw,relatime 0 0
            proc /proc proc rw 0 0
            tmpfs /run tmpfs rw,nosuid 0 0
            tmpfs /tmp tmpfs rw,nosuid 0 0
            /dev/vda /srv/bind ext4 ro,relatime 0 0
            overlay /var/lib/docker/overlay2/abc/merged overlay rw 0 0
            server:/export /srv/nas nfs4 rw 0 0
            /dev/sdb1 /data ext4 rw 0 0
            /dev/vda / ext4 rw,relatime 0 0
            /dev/sdc1 /mnt/usb ext4 rw 0 0
            /dev/sdd1 /srv/with\\040space ext4 rw 0 0

            """.write(toFile: root + "/proc/1/mounts", atomically: true, encoding: .utf8)
        let release = DispatchSemaphore(value: 0)
        defer { release.signal() }
        let statFS = StatFS(timeoutSeconds: 0.2) { path in
            if path.hasSuffix("/data") { return .failed(errno: EIO) }
            if path.hasSuffix("/srv/nas") { release.wait() }
            return .usage(.init(sizeBytes: 8192, freeBytes: 4096, availableBytes: 2048, files: 10, filesFree: 3,
                                fragmentSize: 1024, blockSize: 4096))
        }
        let collector = FilesystemCollector(proc: FileTree(root: root + "/proc"), rootfs: FileTree(root: "/rootfs"), statFS: statFS)
        var snapshot = Snapshot(sequence: 1, timestamp: 0, hostname: "test")
        try collector.collect(into: &snapshot, at: SampleInstant(monotonic: 0, wall: 0))
        let sample = try #require(snapshot.filesystems)
        #expect(sample.filesystems.map(\.mountpoint) == ["/", "/mnt/usb", "/srv/with space"], "psutil's: devices, each once")
        #expect(sample.unavailableMountpoints == ["/data"])
        #expect(sample.metricsFilesystems.map(\.mountpoint) == ["/", "/tmp", "/srv/bind", "/srv/nas", "/data", "/srv/with space"])
        var set = MetricSet()
        sample.addMetrics(to: &set)
        let families = Dictionary(uniqueKeysWithValues: set.sortedFamilies.map { ($0.descriptor.name, $0) })
        func value(_ family: String, _ mountpoint: String) -> Double? {
            families[family]?.samples.first { $0.labelValues[2] == mountpoint }?.value
        }
        #expect(families["node_filesystem_device_error"]?.descriptor.labels == ["device", "fstype", "mountpoint"])
        #expect(families["node_filesystem_device_error"]?.samples.first { $0.labelValues[2] == "/tmp" }?.labelValues == ["tmpfs", "tmpfs", "/tmp"])
        for mountpoint in ["/", "/tmp", "/srv/bind"] { #expect(value("node_filesystem_device_error", mountpoint) == 0) }
        for mountpoint in ["/data", "/srv/nas"] {
            #expect(value("node_filesystem_device_error", mountpoint) == 1, "\(mountpoint)")
            for family in ["size_bytes", "free_bytes", "avail_bytes", "files", "files_free", "readonly"] {
                #expect(value("node_filesystem_\(family)", mountpoint) == nil, "\(mountpoint) \(family)")
            }
        }
        #expect(value("node_filesystem_readonly", "/srv/bind") == 1 && value("node_filesystem_readonly", "/") == 0)
        #expect(value("node_filesystem_size_bytes", "/") == 32768.0, "f_bsize × blocks")
        #expect(value("node_filesystem_avail_bytes", "/tmp") == 8192.0)
        #expect(value("node_filesystem_files_free", "/srv/bind") == 3)
        #expect(sample.filesystems.first?.sizeBytes == 8192, "the JSON keeps f_frsize × blocks")
    }

    /// node_exporter decodes a space and a tab in a mount point and nothing else, nor anything in a device.
    @Test func labelsKeepTheKernelsEscapesAsNodeExporterDoes() throws {
        let mounts = try Mounts.parse(Array(#"/dev/disk\040a /srv/a\040b\011c\012d\134e ext4 rw 0 0"#.utf8 + [10]))
        let mount = try #require(FilesystemCollector.nodeExporterMounts(mounts, rootfs: "/").first)
        #expect(mount.mountpoint == "/srv/a b\tc\nd\\e", "statvfs asks the real path")
        #expect(mount.mountpointLabel == #"/srv/a b\#tc\012d\134e"#)
        #expect(mount.deviceLabel == #"/dev/disk\040a"#)
    }

    @Test func mountPointsAreRelativeToRootfs() throws {
        let mounts = try Mounts.parse(Array("/dev/vda /host ext4 rw 0 0\n/dev/vdb /host/srv xfs rw 0 0\n/dev/vdc /host/mnt/x xfs rw 0 0\n".utf8))
        #expect(FilesystemCollector.nodeExporterMounts(mounts, rootfs: "/host").map(\.mountpoint) == ["/", "/srv"])
    }

    /// This host: Debian's excludes leave only the root filesystem (its /dev/shm, /mnt and /sys mounts go).
    @Test func capturedHost() throws {
        let mounts = try Mounts.parse(try Fixtures.bytes("host/proc/1/mounts"))
        let kept = FilesystemCollector.nodeExporterMounts(mounts, rootfs: "/")
        #expect(kept.map { [$0.entry.device, $0.mountpoint, $0.entry.fstype] } == [["/dev/vda", "/", "ext4"]])
    }
}
