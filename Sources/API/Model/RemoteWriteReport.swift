/// The remote-write pipeline as health and /metrics show it.
public struct RemoteWriteReport: Sendable, Hashable {
    /// The URL, any password masked.
    public var url: String = ""
    /// nil until the first answer or failure.
    public var receiverReachable: Bool?
    public var lastSuccessTime: Double?
    public var lastError: String?
    public var samplesSent: UInt64 = 0
    public var requestsSent: UInt64 = 0
    public var wireBytesSent: UInt64 = 0
    /// Samples in requests the receiver refused as invalid (4xx but 401, 408, 429), set aside.
    public var samplesRejected: UInt64 = 0
    public var requestsRejected: UInt64 = 0
    public var failedAttempts: UInt64 = 0
    public var pendingSamples: Int = 0
    public var spoolBytes: Int = 0
    /// When the oldest waiting sample was collected (unixtime).
    public var oldestPendingTime: Double?
    public var samplesDropped: UInt64 = 0
    /// Collections that damaged spool records took.
    public var collectionsCorrupt: UInt64 = 0
    public var samplesLost: UInt64 = 0
    public var spoolError: String?

    public init() {}

    /// Degraded while the receiver is unreachable or failing, or the spool cannot be written.
    public var isHealthy: Bool { receiverReachable != false && spoolError == nil }
}
