/// The push pipeline as health and /metrics show it. `nil` everywhere it appears means pull-only.
public struct PushReport: Sendable, Hashable {
    /// registering, registered, or token_rejected (the dashboard's known-HWID quirk: see operatorAction).
    public var registration: String = "registering"
    public var agentId: String = ""
    /// nil until the first answer or failure.
    public var dashboardReachable: Bool?
    public var lastSuccessTime: Double?
    public var lastError: String?
    /// What the operator must do, when something only they can fix is wrong.
    public var operatorAction: String?
    public var samplesSent: UInt64 = 0
    public var batchesSent: UInt64 = 0
    public var batchesRejected: UInt64 = 0
    public var failedAttempts: UInt64 = 0
    public var spoolSamples: Int = 0
    public var spoolBytes: Int = 0
    public var spoolOldestTime: Double?
    public var samplesDropped: UInt64 = 0
    /// Unsent samples that damaged spool records took (found when the spool was opened).
    public var samplesCorrupt: UInt64 = 0
    /// Samples the spool could not write (disk full, read-only, I/O error).
    public var samplesLost: UInt64 = 0
    /// Why the spool cannot be written or read right now.
    public var spoolError: String?

    public init() {}

    /// Degraded while the dashboard is unreachable or refusing us, or the spool cannot be written.
    public var isHealthy: Bool { dashboardReachable != false && registration != "token_rejected" && spoolError == nil }
}
