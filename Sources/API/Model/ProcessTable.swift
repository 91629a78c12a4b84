/// The busiest processes with their details, and a count of all of them.
public struct ProcessTable: Sendable {
    /// Every process seen on this pass.
    public var totalCount: Int
    /// Top N by CPU together with top N by resident memory, so both orderings are exact; details (user,
    /// I/O, command line) were read for these only.
    public var processes: [ProcessInfo]

    public init(totalCount: Int, processes: [ProcessInfo]) {
        self.totalCount = totalCount
        self.processes = processes
    }
}

/// One process. A process is identified by its PID *and* its start time, so a reused PID is a new process.
public struct ProcessInfo: Sendable, Equatable {
    public var pid: Int32
    /// Start time, seconds since the Unix epoch.
    public var startTime: Double
    public var name: String
    public var user: String?
    public var status: String
    /// Share of one CPU over the last interval (may exceed 100 on several cores); `nil` when this process
    /// was already running at the first scan and no earlier figure exists.
    public var cpuPercent: Double?
    public var cpuSecondsTotal: Double
    public var memoryPercent: Double?
    public var memoryBytes: UInt64
    /// Cumulative bytes the process caused to be read from / written to storage; `nil` without privilege.
    public var diskReadBytes: UInt64?
    public var diskWriteBytes: UInt64?
    /// The full command line with secret-looking arguments masked.
    public var command: String

    public init(
        pid: Int32, startTime: Double, name: String, user: String?, status: String,
        cpuPercent: Double?, cpuSecondsTotal: Double, memoryPercent: Double?, memoryBytes: UInt64,
        diskReadBytes: UInt64?, diskWriteBytes: UInt64?, command: String
    ) {
        self.pid = pid
        self.startTime = startTime
        self.name = name
        self.user = user
        self.status = status
        self.cpuPercent = cpuPercent
        self.cpuSecondsTotal = cpuSecondsTotal
        self.memoryPercent = memoryPercent
        self.memoryBytes = memoryBytes
        self.diskReadBytes = diskReadBytes
        self.diskWriteBytes = diskWriteBytes
        self.command = command
    }
}
