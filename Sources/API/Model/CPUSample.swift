/// CPU usage over the last interval, cumulative time per mode, load and kernel counters.
public struct CPUSample: Sendable {
    /// Logical CPUs present in /proc/stat on this pass.
    public var cores: Int
    /// Busy share of all CPUs over the last interval, 0–100; `nil` on the first pass or after a reset.
    public var usagePercent: Double?
    /// One entry per logical CPU in /proc/stat order; `nil` for a CPU with no previous sample.
    public var perCorePercent: [Double?]
    /// 1, 5 and 15 minute load averages; `nil` when /proc/loadavg could not be read.
    public var loadAverage: [Double]?
    /// Cumulative seconds per mode for each logical CPU, as node_cpu_seconds_total exports them.
    public var perCoreTimes: [CPUTimes]
    public var kernel: KernelCounters

    public init(
        cores: Int, usagePercent: Double?, perCorePercent: [Double?], loadAverage: [Double]?,
        perCoreTimes: [CPUTimes], kernel: KernelCounters
    ) {
        self.cores = cores
        self.usagePercent = usagePercent
        self.perCorePercent = perCorePercent
        self.loadAverage = loadAverage
        self.perCoreTimes = perCoreTimes
        self.kernel = kernel
    }
}

/// Seconds one CPU spent in each mode since boot (USER_HZ ticks already divided out).
public struct CPUTimes: Sendable, Equatable {
    /// The kernel's CPU number (`cpu3` → "3"), which may skip numbers when CPUs are offline.
    public var cpu: String
    public var user, nice, system, idle, iowait, irq, softirq, steal, guest, guestNice: Double

    public init(
        cpu: String, user: Double, nice: Double, system: Double, idle: Double, iowait: Double,
        irq: Double, softirq: Double, steal: Double, guest: Double, guestNice: Double
    ) {
        self.cpu = cpu
        self.user = user
        self.nice = nice
        self.system = system
        self.idle = idle
        self.iowait = iowait
        self.irq = irq
        self.softirq = softirq
        self.steal = steal
        self.guest = guest
        self.guestNice = guestNice
    }
}

/// The system-wide counters /proc/stat carries beside the CPU lines.
public struct KernelCounters: Sendable, Equatable {
    public var bootTimeSeconds: Double?
    public var contextSwitches: UInt64?
    public var forks: UInt64?
    public var interrupts: UInt64?
    public var procsRunning: UInt64?
    public var procsBlocked: UInt64?

    public init(
        bootTimeSeconds: Double? = nil, contextSwitches: UInt64? = nil, forks: UInt64? = nil,
        interrupts: UInt64? = nil, procsRunning: UInt64? = nil, procsBlocked: UInt64? = nil
    ) {
        self.bootTimeSeconds = bootTimeSeconds
        self.contextSwitches = contextSwitches
        self.forks = forks
        self.interrupts = interrupts
        self.procsRunning = procsRunning
        self.procsBlocked = procsBlocked
    }
}
