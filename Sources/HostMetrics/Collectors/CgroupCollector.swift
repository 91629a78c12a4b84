import API

/// The agent's own control group, as the agent itself sees it: /proc/self/cgroup for the group,
/// /proc/self/mountinfo for where its hierarchy is mounted. Reads cgroup v2 files on a unified host and
/// the v1 memory, cpu and cpuacct controllers where they are mounted (legacy and hybrid hosts).
/// Deliberately not PROC_ROOT/SYS_ROOT: those are the host's, and the question is this process's limits.
public final class CgroupCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "cgroup", cadence: .everyPass,
        reads: ["/proc/self/cgroup", "/proc/self/mountinfo", "the agent's cgroup: memory.*, cpu.*, *.pressure"],
        exports: ["shelteragent_cgroup_*"])

    public static func make(_ context: CollectorContext) -> any Collector { CgroupCollector() }

    private let own: KeptFiles
    /// mountinfo as parsed for the membership it was read with. A container host's mountinfo runs to
    /// thousands of lines; it is read again only when the agent is moved to another group.
    private var mounts: (membership: [UInt8], parsed: CgroupMounts)?

    /// `own` is "/" in production; a fixture tree shaped like it in tests.
    public init(own: FileTree = FileTree(root: "/")) {
        self.own = KeptFiles(own)
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        let membershipBytes = try own.read("proc/self/cgroup")
        let membership = try ProcCgroup.parse(membershipBytes)
        let mounts: CgroupMounts
        if let cached = self.mounts, cached.membership == membershipBytes {
            mounts = cached.parsed
        } else {
            mounts = try CgroupMounts.parse(try own.read("proc/self/mountinfo"))
            self.mounts = (membershipBytes, mounts)
        }
        func directory(_ mount: CgroupMounts.Mount?, _ path: String?) -> String? {
            guard let mount, let path, let full = CgroupMounts.directory(of: path, in: mount) else { return nil }
            return String(full.drop { $0 == "/" })
        }
        let unified = directory(mounts.unified, membership.unifiedPath)
        let v1Memory = directory(mounts.v1("memory"), membership.v1Path("memory"))
        var sample: CgroupSample
        if let v1Memory {
            sample = CgroupSample(path: membership.v1Path("memory") ?? "/", version: 1)
            sample.memoryLimitBytes = try readOptional("\(v1Memory)/memory.limit_in_bytes") {
                try CgroupValues.limit($0, file: "memory.limit_in_bytes")
            } ?? nil
            sample.memoryUsageBytes = try readOptional("\(v1Memory)/memory.usage_in_bytes") {
                try CgroupValues.unsigned($0, file: "memory.usage_in_bytes")
            }
            if let cpu = directory(mounts.v1("cpu"), membership.v1Path("cpu")),
                let quota = try own.readIfPresent("\(cpu)/cpu.cfs_quota_us"),
                let period = try own.readIfPresent("\(cpu)/cpu.cfs_period_us")
            {
                sample.cpuLimitCores = try CgroupValues.cfsQuota(quota: quota, period: period)
            }
            if let cpuacct = directory(mounts.v1("cpuacct"), membership.v1Path("cpuacct")) {
                sample.cpuUsageSeconds = try readOptional("\(cpuacct)/cpuacct.usage") {
                    Double(try CgroupValues.unsigned($0, file: "cpuacct.usage")) / 1e9
                }
            }
        } else if let unified {
            sample = CgroupSample(path: membership.unifiedPath ?? "/", version: 2)
            sample.memoryLimitBytes = try readOptional("\(unified)/memory.max") {
                try CgroupValues.limit($0, file: "memory.max")
            } ?? nil
            sample.memoryUsageBytes = try readOptional("\(unified)/memory.current") {
                try CgroupValues.unsigned($0, file: "memory.current")
            }
            sample.cpuLimitCores = try readOptional("\(unified)/cpu.max") { try CgroupValues.cpuMax($0) } ?? nil
        } else {
            // No cgroup filesystem mounted where this process can see it: nothing to report, nothing wrong.
            snapshot.cgroup = nil
            return
        }
        if let unified {
            if sample.cpuUsageSeconds == nil {
                sample.cpuUsageSeconds = try readOptional("\(unified)/cpu.stat") {
                    Double(try CgroupValues.keyed($0, key: "usage_usec", file: "cpu.stat")) / 1e6
                }
            }
            for resource in PressureCollector.resources {
                guard let bytes = try own.readIfPresent("\(unified)/\(resource).pressure") else { continue }
                sample.pressure.append(
                    PressureCollector.sample(resource, try Pressure.parse(bytes, file: "\(resource).pressure")))
            }
        }
        snapshot.cgroup = sample
    }

    /// A cgroup file that a kernel or a group may not have (the root group has no memory.max).
    private func readOptional<T>(_ path: String, _ parse: ([UInt8]) throws -> T) throws -> T? {
        guard let bytes = try own.readIfPresent(path) else { return nil }
        return try parse(bytes)
    }
}
