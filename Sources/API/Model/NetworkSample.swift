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
