/// Network counters per interface and their totals (loopback excluded from the totals).
public struct NetworkSample: Sendable {
    public var interfaces: [NetworkInterface]
    public var bytesSentTotal: UInt64
    public var bytesReceivedTotal: UInt64
    public var packetsSentTotal: UInt64
    public var packetsReceivedTotal: UInt64
    /// Sent + received over the last interval in megabits per second; `nil` until two samples exist.
    public var mbps: Double?

    public init(interfaces: [NetworkInterface], mbps: Double?) {
        self.interfaces = interfaces
        let counted = interfaces.filter { $0.name != "lo" }
        bytesSentTotal = counted.reduce(0) { $0 + $1.transmitBytes }
        bytesReceivedTotal = counted.reduce(0) { $0 + $1.receiveBytes }
        packetsSentTotal = counted.reduce(0) { $0 + $1.transmitPackets }
        packetsReceivedTotal = counted.reduce(0) { $0 + $1.receivePackets }
        self.mbps = mbps
    }
}

/// One /proc/net/dev row plus its rates.
public struct NetworkInterface: Sendable, Equatable {
    public var name: String
    public var receiveBytes, receivePackets, receiveErrors, receiveDrops: UInt64
    public var transmitBytes, transmitPackets, transmitErrors, transmitDrops: UInt64
    /// The rest of /proc/net/dev's columns, which only `/metrics` shows.
    public var receiveFifo: UInt64 = 0, receiveFrame: UInt64 = 0, receiveCompressed: UInt64 = 0
    public var receiveMulticast: UInt64 = 0
    public var transmitFifo: UInt64 = 0, transmitCollisions: UInt64 = 0, transmitCarrier: UInt64 = 0
    public var transmitCompressed: UInt64 = 0
    /// Packets dropped for want of a protocol handler (statistics/rx_nohandler in sysfs, kernels ≥ 4.6);
    /// `nil` where sysfs does not show the interface.
    public var receiveNoHandler: UInt64?
    /// Whether `/metrics` lists it: node_exporter's default device filter (the JSON lists every one).
    public var inMetrics = true
    public var receiveBytesPerSecond: Double?
    public var transmitBytesPerSecond: Double?

    public init(
        name: String, receiveBytes: UInt64, receivePackets: UInt64, receiveErrors: UInt64,
        receiveDrops: UInt64, transmitBytes: UInt64, transmitPackets: UInt64, transmitErrors: UInt64,
        transmitDrops: UInt64
    ) {
        self.name = name
        self.receiveBytes = receiveBytes
        self.receivePackets = receivePackets
        self.receiveErrors = receiveErrors
        self.receiveDrops = receiveDrops
        self.transmitBytes = transmitBytes
        self.transmitPackets = transmitPackets
        self.transmitErrors = transmitErrors
        self.transmitDrops = transmitDrops
    }
}
