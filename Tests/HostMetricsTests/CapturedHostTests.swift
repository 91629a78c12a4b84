import Foundation
import API
import Logging
import Testing

@testable import HostMetrics

/// The standard collectors on the tree captured by scripts/capture-fixtures.
@Suite struct CapturedHostTests {
    static func sample() -> Snapshot {
        let sampler = Sampler(
            collectors: StandardCollectors.make(roots: Fixtures.host, processTopN: 50, scrubber: CommandLineScrubber()),
            hostname: "fixture", logger: Logger(label: "test"))
        return sampler.sample(at: SampleInstant(monotonic: 1, wall: 1_764_000_000))
    }

    @Test func everyCollectorSucceeds() {
        let snapshot = Self.sample()
        #expect(snapshot.collectors.map(\.name) == StandardCollectors.names)
        #expect(snapshot.collectors.allSatisfy { $0.success }, "\(snapshot.collectors.compactMap(\.error))")
    }

    /// The JSON snapshot's `kernel` object gathers what each collector summarizes, from the captured files.
    @Test func theJSONSnapshotSummarizesKernelCounters() throws {
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(SnapshotJSON.render(Self.sample()))) as? [String: Any])
        let kernel = try #require(json["kernel"] as? [String: Any])
        let fileNr = try FileNr.parse(try Fixtures.bytes("host/proc/sys/fs/file-nr"))
        #expect(kernel["open_files"] as? Double == Double(fileNr.allocated))
        #expect(kernel["open_files_limit"] as? Double == Double(fileNr.maximum))
        for key in ["oom_kills_total", "major_page_faults_total", "tcp_established", "sockets_used", "entropy_available_bits"] {
            #expect(kernel[key] is Double, "\(key)")
        }
        #expect(json["system"] is [String: Any])
    }

    /// What a collector declares it exports is what its section renders: every family of the captured
    /// host's page is declared by the collector that wrote it, and every collector writes something.
    @Test func everyFamilyIsDeclaredByItsCollector() {
        let snapshot = Self.sample()
        for collector in StandardCollectors.all {
            let info = collector.info
            guard let entry = snapshot.sections.first(where: { $0.collector == info.name }) else {
                Issue.record("\(info.name) wrote no section on the captured host")
                continue
            }
            var set = MetricSet()
            entry.section.addMetrics(to: &set)
            let families = set.sortedFamilies.map(\.descriptor.name)
            let undeclared = families.filter { !info.declares($0) }
            #expect(undeclared.isEmpty, "\(info.name) exports \(undeclared) without declaring them")
        }
        #expect(Set(StandardCollectors.names).count == StandardCollectors.names.count, "names are unique")
    }

    @Test func processWithParenthesesInItsNameIsParsed() throws {
        let pid = try Fixtures.capturedPID("odd")
        let process = try #require(Self.sample().processes?.processes.first { $0.pid == pid })
        #expect(process.name == "a) (b")
        #expect(process.status == "sleeping")
        #expect(process.user == "root")
        #expect(process.cpuPercent == nil, "first pass: no earlier reading, no rate")
        #expect(process.memoryBytes == 459 * 4096, "statm's resident pages: exact, status's VmRSS, psutil's rss")
    }

    @Test func secretsInCommandLinesAreMasked() throws {
        let pid = try Fixtures.capturedPID("secret")
        let process = try #require(Self.sample().processes?.processes.first { $0.pid == pid })
        #expect(
            process.command
                == "/usr/bin/python3 -c import time; time.sleep(300) --password=******** --api-key ******** "
                + "postgres://app:********@db:5432/x --verbose")
        #expect(!process.command.contains("hunter2") && !process.command.contains("abc123"))
    }

    @Test func vanishedPIDIsSkippedAndUnreadableIOIsNull() throws {
        let table = try #require(Self.sample().processes)
        #expect(table.totalCount == 4, "PID 999999 has no stat any more")
        #expect(!table.processes.contains { $0.pid == 999_999 })
        let initProcess = try #require(table.processes.first { $0.pid == 1 })
        #expect(initProcess.diskReadBytes == nil && initProcess.diskWriteBytes == nil)
        let kernelThread = try #require(table.processes.first { $0.pid == 2 })
        #expect(kernelThread.command == "[kthreadd]")
    }

    /// /proc/PID/io that cannot be read (no ptrace rights) is not tried on every pass, only when the owner
    /// is looked at again, a minute on.
    @Test func unreadableIOIsTriedAgainOnlyWithTheOwner() throws {
        let root = FileManager.default.temporaryDirectory.path + "/io-\(UUID().uuidString)"
        let source = Fixtures.directory + "/host/proc"
        let odd = try Fixtures.capturedPID("odd")
        try FileManager.default.createDirectory(atPath: root + "/proc/\(odd)", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        for file in ["stat", "uptime", "meminfo"] {
            try FileManager.default.copyItem(atPath: source + "/" + file, toPath: root + "/proc/" + file)
        }
        for file in ["stat", "statm", "status", "cmdline"] {
            try FileManager.default.copyItem(atPath: source + "/\(odd)/" + file, toPath: root + "/proc/\(odd)/" + file)
        }
        let collector = ProcessCollector(
            roots: HostRoots(proc: root + "/proc", sys: Fixtures.host.sys.root, rootfs: Fixtures.host.rootfs.root),
            topN: 5, scrubber: CommandLineScrubber(), ticksPerSecond: 100, pageSize: 4096)
        func readBytes(at seconds: Double) throws -> UInt64? {
            var snapshot = Snapshot(sequence: 1, timestamp: 0, hostname: "test")
            try collector.collect(into: &snapshot, at: SampleInstant(monotonic: seconds, wall: seconds))
            return snapshot.processes?.processes.first?.diskReadBytes
        }
        #expect(try readBytes(at: 0) == nil, "no io file: unreadable")
        try "rchar: 1\nwchar: 2\nsyscr: 3\nsyscw: 4\nread_bytes: 4096\nwrite_bytes: 0\ncancelled_write_bytes: 0\n"
            .write(toFile: root + "/proc/\(odd)/io", atomically: true, encoding: .utf8)
        #expect(try readBytes(at: 5) == nil, "not tried again on the next pass")
        #expect(try readBytes(at: 65) == 4096, "tried again a minute on, with the owner")
    }

    @Test func aChangedMountTableIsReadAgain() throws {
        let root = FileManager.default.temporaryDirectory.path + "/mounts-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/proc/1", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try "nodev\tproc\n\text4\n".write(toFile: root + "/proc/filesystems", atomically: true, encoding: .utf8)
        let mounts = root + "/proc/1/mounts"
        try "/dev/vda / ext4 rw 0 0\nproc /proc proc rw 0 0\n".write(toFile: mounts, atomically: true, encoding: .utf8)
        let collector = FilesystemCollector(proc: FileTree(root: root + "/proc"), rootfs: FileTree(root: "/"))
        var snapshot = Snapshot(sequence: 1, timestamp: 0, hostname: "test")
        try collector.collect(into: &snapshot, at: SampleInstant(monotonic: 0, wall: 0))
        #expect(snapshot.filesystems?.filesystems.map(\.mountpoint) == ["/"])
        try "/dev/vda / ext4 rw 0 0\n/dev/vdb /tmp ext4 rw 0 0\n".write(toFile: mounts, atomically: true, encoding: .utf8)
        try collector.collect(into: &snapshot, at: SampleInstant(monotonic: 5, wall: 5))
        #expect(snapshot.filesystems?.filesystems.map(\.mountpoint) == ["/", "/tmp"], "the new mount shows on the next pass")
    }

    @Test func onlyRealFilesystemsEachDeviceOnce() throws {
        let filesystems = try #require(Self.sample().filesystems).filesystems
        #expect(filesystems.map(\.mountpoint) == ["/"])
        #expect(filesystems.first?.device == "/dev/vda" && filesystems.first?.fstype == "ext4")
        #expect((filesystems.first?.sizeBytes ?? 0) > 0)
    }

    @Test func onlyWholeDisksWithoutLoopOrZram() throws {
        let devices = try #require(Self.sample().diskIO).devices
        #expect(devices.map(\.name) == ["vda"])
        #expect(Self.sample().diskIO?.readBytesPerSecond == nil, "first pass: no rate")
    }

    @Test func partitionsAreToldByNameWithoutSysBlock() {
        for name in ["sda1", "vdb2", "xvda1", "nvme0n1p1", "mmcblk0p1"] {
            #expect(DiskIOCollector.looksLikePartition(name), "\(name)")
        }
        for name in ["sda", "vda", "nvme0n1", "dm-0", "md127", "mmcblk0"] {
            #expect(!DiskIOCollector.looksLikePartition(name), "\(name)")
        }
    }

    @Test func lvmDisksWithoutSysBlockSkipPartitionsAndStackedTotals() throws {
        let proc = FileTree(root: Fixtures.directory + "/host/proc")
        let stats = try DiskStats.parse(try proc.read("diskstats-lvm"))
        let kept = stats.devices.map(\.name).filter { DiskIOCollector.isWholeDisk($0, wholeDisks: nil) }
        #expect(kept == ["vda", "sda", "dm-0", "nvme0n1"])
        #expect(kept.filter { !DiskIOCollector.isStacked($0) } == ["vda", "sda", "nvme0n1"])
    }

    @Test func networkTotalsLeaveOutLoopback() throws {
        let network = try #require(Self.sample().network)
        let counted = network.interfaces.filter { $0.name != "lo" }
        #expect(network.bytesReceivedTotal == counted.reduce(0) { $0 + $1.receiveBytes })
        #expect(network.interfaces.contains { $0.name == "lo" })
        #expect(network.mbps == nil)
    }

    @Test func memoryOnAKernelWithoutMemAvailableFallsBackToFreePlusCached() throws {
        let info = try MemInfo.parse(try Fixtures.bytes("host/proc/meminfo-old"))
        let memory = MemoryCollector.sample(info, zoneInfo: nil, pageSize: 4096)
        #expect(memory.availableBytes == info["MemFree"]! + info["Cached"]!)
        #expect(memory.usedBytes == info["MemTotal"]! - memory.availableBytes)
    }
}
