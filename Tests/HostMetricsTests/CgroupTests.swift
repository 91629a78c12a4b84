import API
import Foundation
import Testing

@testable import HostMetrics

/// The agent's own cgroup and the host's pressure, on trees captured by scripts/capture-cgroup-fixtures
/// (a process in a 64 MiB, half-core v1 group on this hybrid host; its unified group for v2).
@Suite struct CgroupTests {
    static func collect(_ tree: String) throws -> CgroupSample? {
        var snapshot = Snapshot(sequence: 1, timestamp: 0, hostname: "fixture")
        try CgroupCollector(own: FileTree(root: Fixtures.directory + "/cgroup/" + tree))
            .collect(into: &snapshot, at: SampleInstant(monotonic: 0, wall: 0))
        return snapshot.cgroup
    }

    @Test func legacyHierarchyGivesTheLimitsSetOnIt() throws {
        let cgroup = try #require(try Self.collect("v1"))
        #expect(cgroup.version == 1)
        #expect(cgroup.path == "/shelter-fixture")
        #expect(cgroup.memoryLimitBytes == 64 << 20)
        #expect(cgroup.memoryUsageBytes == 634_880)
        #expect(cgroup.cpuLimitCores == 0.5)
        #expect(cgroup.cpuUsageSeconds == 0.228401751)
        // Hybrid: the unified group of the same process has no pressure files captured in the v1 tree.
        #expect(cgroup.pressure.isEmpty)
    }

    @Test func unifiedHierarchyGivesLimitsUsageAndPressure() throws {
        let cgroup = try #require(try Self.collect("v2"))
        #expect(cgroup.version == 2)
        #expect(cgroup.memoryLimitBytes == 268_435_456)
        #expect(cgroup.memoryUsageBytes == 31_457_280)
        #expect(cgroup.cpuLimitCores == 1.5)
        #expect(cgroup.cpuUsageSeconds == 0.228401)
        #expect(cgroup.pressure.map(\.resource) == ["cpu", "memory"])
        #expect(cgroup.pressure[0].some.totalSeconds == 0.2637 && cgroup.pressure[0].full?.totalSeconds == 0.180569)
        #expect(cgroup.pressure[1].some.avg10 == 1.5)
    }

    @Test func mountinfoIsReadAgainOnlyWhenTheGroupChanges() throws {
        let tree = FileManager.default.temporaryDirectory.appendingPathComponent("cgroup-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: tree) }
        try FileManager.default.copyItem(atPath: Fixtures.directory + "/cgroup/v2", toPath: tree)
        let collector = CgroupCollector(own: FileTree(root: tree))
        var snapshot = Snapshot(sequence: 1, timestamp: 0, hostname: "fixture")
        let instant = SampleInstant(monotonic: 0, wall: 0)
        try collector.collect(into: &snapshot, at: instant)
        let first = try #require(snapshot.cgroup)
        try FileManager.default.removeItem(atPath: tree + "/proc/self/mountinfo")
        try collector.collect(into: &snapshot, at: instant)
        #expect(snapshot.cgroup == first, "same group: the mounts parsed before still serve")
        try "0::/elsewhere\n".write(toFile: tree + "/proc/self/cgroup", atomically: true, encoding: .utf8)
        #expect(throws: FileError.self, "moved: mountinfo is read again") {
            try collector.collect(into: &snapshot, at: instant)
        }
    }

    @Test func noLimitIsNil() throws {
        #expect(try CgroupValues.limit(Array("max\n".utf8), file: "memory.max") == nil)
        #expect(try CgroupValues.limit(Array("9223372036854771712\n".utf8), file: "memory.limit_in_bytes") == nil)
        #expect(try CgroupValues.cpuMax(Array("max 100000\n".utf8)) == nil)
        #expect(try CgroupValues.cfsQuota(quota: Array("-1\n".utf8), period: Array("100000\n".utf8)) == nil)
        #expect(throws: ParseError.self) { try CgroupValues.limit(Array("lots\n".utf8), file: "memory.max") }
    }

    @Test func aContainersMountShowsItsOwnSubtree() throws {
        let mount = CgroupMounts.Mount(root: "/docker/abc", mountpoint: "/sys/fs/cgroup", fstype: "cgroup2", controllers: [])
        #expect(CgroupMounts.directory(of: "/docker/abc", in: mount) == "/sys/fs/cgroup")
        #expect(CgroupMounts.directory(of: "/docker/abc/sub", in: mount) == "/sys/fs/cgroup/sub")
        #expect(CgroupMounts.directory(of: "/other", in: mount) == nil)
        let host = CgroupMounts.Mount(root: "/", mountpoint: "/sys/fs/cgroup/memory", fstype: "cgroup", controllers: ["memory"])
        #expect(CgroupMounts.directory(of: "/", in: host) == "/sys/fs/cgroup/memory")
        #expect(CgroupMounts.directory(of: "/a/b", in: host) == "/sys/fs/cgroup/memory/a/b")
    }

    @Test func procCgroupKeepsColonsInThePath() throws {
        let parsed = try ProcCgroup.parse(Array("0::/a:b\n2:cpu,cpuacct:/x\n".utf8))
        #expect(parsed.unifiedPath == "/a:b")
        #expect(parsed.v1Path("cpuacct") == "/x")
        #expect(throws: ParseError.self) { try ProcCgroup.parse(Array("garbage\n".utf8)) }
    }

    @Test func hostPressureFromTheCapturedProc() throws {
        var snapshot = Snapshot(sequence: 1, timestamp: 0, hostname: "fixture")
        try PressureCollector(proc: Fixtures.host.proc).collect(into: &snapshot, at: SampleInstant(monotonic: 0, wall: 0))
        let pressure = try #require(snapshot.pressure)
        #expect(pressure.map(\.resource) == ["cpu", "memory", "io"])
        #expect(pressure[0].some.totalSeconds == 19.144582)
        #expect(pressure[2].full?.totalSeconds == 4.177224)
        // A kernel without PSI has no /proc/pressure: nothing to report, and no failure.
        try PressureCollector(proc: FileTree(root: Fixtures.directory + "/cgroup/v1/proc"))
            .collect(into: &snapshot, at: SampleInstant(monotonic: 0, wall: 0))
        #expect(snapshot.pressure == [])
        #expect(throws: ParseError.self) { try Pressure.parse(Array("some avg10=x\n".utf8), file: "pressure/cpu") }
    }
}

/// The start-up check that the agent sees the host, not a container.
@Suite struct HostViewCheckTests {
    @Test func theCapturedHostLooksLikeAHost() {
        #expect(HostViewCheck.warnings(roots: Fixtures.host, memory: nil, cgroup: nil) == [])
    }

    @Test func aContainersViewIsNamed() throws {
        // A container's PID namespace: its own PID 1 and no kernel threads (no PID 2).
        let proc = FileManager.default.temporaryDirectory.appendingPathComponent("hostview-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: proc) }
        try FileManager.default.createDirectory(atPath: proc + "/1", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Fixtures.directory + "/host/proc/1/stat", toPath: proc + "/1/stat")
        try FileManager.default.copyItem(atPath: Fixtures.directory + "/host/proc/net", toPath: proc + "/net")
        let container = HostRoots(proc: proc, sys: Fixtures.directory + "/host/sys", rootfs: Fixtures.directory + "/host/rootfs")
        let memory = MemorySample(
            totalBytes: 64 << 20, usedBytes: 0, freeBytes: 0, availableBytes: 0, usagePercent: 0, swapTotalBytes: 0,
            swapUsedBytes: 0, swapUsagePercent: 0, meminfo: [])
        let warnings = HostViewCheck.warnings(
            roots: container, memory: memory, cgroup: CgroupSample(path: "/", version: 2, memoryLimitBytes: 64 << 20))
        #expect(warnings.count == 2, "\(warnings)")
        #expect(warnings.first?.contains("PID namespace of its own") == true)
        #expect(warnings.last?.contains("lxcfs") == true)
        let limited = HostViewCheck.warnings(
            roots: Fixtures.host, memory: memory, cgroup: CgroupSample(path: "/", version: 2, memoryLimitBytes: 16 << 20))
        #expect(limited.count == 1 && limited[0].contains("limited to 16 MiB of the host's 64 MiB"), "\(limited)")
        // Not a /proc at all: no PID namespace finding (the collectors say what is wrong).
        let missing = HostRoots(proc: proc + "/nothing", sys: Fixtures.directory + "/host/sys", rootfs: "/")
        #expect(HostViewCheck.warnings(roots: missing, memory: nil, cgroup: nil) == [])
    }

    @Test func networkDevicesOfAnotherNamespaceAreNamed() throws {
        // A container's /sys/class/net: its own veth end and lo, not the host's devices counted in net/dev.
        let sys = FileManager.default.temporaryDirectory.appendingPathComponent("hostview-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: sys) }
        for device in ["eth0", "lo"] {
            try FileManager.default.createDirectory(atPath: "\(sys)/class/net/\(device)", withIntermediateDirectories: true)
            try "1\n".write(toFile: "\(sys)/class/net/\(device)/ifindex", atomically: true, encoding: .utf8)
        }
        // Not a device: what the bonding driver puts beside them.
        try "\n".write(toFile: "\(sys)/class/net/bonding_masters", atomically: true, encoding: .utf8)
        let roots = HostRoots(
            proc: Fixtures.directory + "/host/proc", sys: sys, rootfs: Fixtures.directory + "/host/rootfs")
        let warnings = HostViewCheck.warnings(roots: roots, memory: nil, cgroup: nil)
        #expect(warnings.count == 1 && warnings[0].contains("(eth0, lo) other than those counted"), "\(warnings)")
        // The same devices as counted, and bonding_masters beside them: the host's, no finding.
        for device in ["ifb0", "ifb1"] {
            try FileManager.default.createDirectory(atPath: "\(sys)/class/net/\(device)", withIntermediateDirectories: true)
            try "1\n".write(toFile: "\(sys)/class/net/\(device)/ifindex", atomically: true, encoding: .utf8)
        }
        #expect(HostViewCheck.warnings(roots: roots, memory: nil, cgroup: nil) == [])
    }
}
