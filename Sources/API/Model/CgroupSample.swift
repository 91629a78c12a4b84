/// The agent's own control group: its limits and what it uses of them, so that figures read inside a
/// limited container or unit can be set against what that container may use.
public struct CgroupSample: Sendable, Equatable {
    /// The group's path as /proc/self/cgroup gives it ("/" inside a container with its own cgroup namespace).
    public var path: String
    /// 2 for the unified hierarchy, 1 for the legacy one.
    public var version: Int
    /// `nil`: no limit.
    public var memoryLimitBytes: UInt64?
    public var memoryUsageBytes: UInt64?
    /// The CPU quota in cores (quota / period); `nil`: no quota.
    public var cpuLimitCores: Double?
    /// CPU time the group used since it was made.
    public var cpuUsageSeconds: Double?
    /// The group's own pressure (v2 only), by resource.
    public var pressure: [PressureSample]

    public init(
        path: String, version: Int, memoryLimitBytes: UInt64? = nil, memoryUsageBytes: UInt64? = nil,
        cpuLimitCores: Double? = nil, cpuUsageSeconds: Double? = nil, pressure: [PressureSample] = []
    ) {
        self.path = path
        self.version = version
        self.memoryLimitBytes = memoryLimitBytes
        self.memoryUsageBytes = memoryUsageBytes
        self.cpuLimitCores = cpuLimitCores
        self.cpuUsageSeconds = cpuUsageSeconds
        self.pressure = pressure
    }
}

/// Pressure stall information for one resource: the share of time some (or all) tasks waited for it.
public struct PressureSample: Sendable, Equatable {
    public struct Stall: Sendable, Equatable {
        /// Percent of wall time over the last 10, 60 and 300 seconds.
        public var avg10, avg60, avg300: Double
        public var totalSeconds: Double

        public init(avg10: Double, avg60: Double, avg300: Double, totalSeconds: Double) {
            self.avg10 = avg10
            self.avg60 = avg60
            self.avg300 = avg300
            self.totalSeconds = totalSeconds
        }
    }

    /// `cpu`, `memory` or `io`.
    public var resource: String
    public var some: Stall
    public var full: Stall?

    public init(resource: String, some: Stall, full: Stall?) {
        self.resource = resource
        self.some = some
        self.full = full
    }
}
