/// The five figures the dashboard charts, taken from one snapshot: what is spooled every collection and
/// sent in batches. A figure is `nil` when it does not exist yet (rates on the first pass) or its
/// collector failed; it is then left out of the batch rather than sent as a made-up 0.
public struct DashboardSample: Sendable, Equatable {
    /// Increases by one per sample, across restarts (the spool remembers); orders and identifies samples.
    public var sequence: UInt64
    /// When it was collected, seconds since the Unix epoch (sent as `recorded_at`).
    public var time: Double
    public var cpuPercent: Double?
    public var memoryPercent: Double?
    public var diskPercent: Double?
    /// Sent + received, megabits per second.
    public var networkMbps: Double?
    /// Read + written, MiB per second (the reference agent's "MB/s").
    public var ioMBps: Double?

    public init(
        sequence: UInt64, time: Double, cpuPercent: Double?, memoryPercent: Double?, diskPercent: Double?,
        networkMbps: Double?, ioMBps: Double?
    ) {
        self.sequence = sequence
        self.time = time
        self.cpuPercent = cpuPercent
        self.memoryPercent = memoryPercent
        self.diskPercent = diskPercent
        self.networkMbps = networkMbps
        self.ioMBps = ioMBps
    }

    public init(sequence: UInt64, snapshot: Snapshot) {
        var io: Double?
        if let read = snapshot.diskIO?.readBytesPerSecond, let write = snapshot.diskIO?.writeBytesPerSecond {
            io = (read + write) / 1_048_576
        }
        self.init(
            sequence: sequence, time: snapshot.timestamp, cpuPercent: snapshot.cpu?.usagePercent,
            memoryPercent: snapshot.memory?.usagePercent, diskPercent: snapshot.filesystems?.usagePercent,
            networkMbps: snapshot.network?.mbps, ioMBps: io)
    }

    /// (metric_type, value, unit) for the figures that exist, in the reference agent's order.
    public var items: [(type: String, value: Double, unit: String)] {
        let all: [(String, Double?, String)] = [
            ("cpu", cpuPercent, "%"), ("memory", memoryPercent, "%"), ("disk", diskPercent, "%"),
            ("network", networkMbps, "Mbps"), ("io", ioMBps, "MB/s"),
        ]
        return all.compactMap { type, value, unit in value.map { (type, $0, unit) } }
    }
}

/// Spool records: a sample as 56 bytes (sequence, time, five figures with NaN for "none"), little-endian.
/// Fixed-size binary rather than JSON so that reading the spool back needs no parser and a torn write is
/// recognisable by its length and checksum alone.
public enum SpoolRecord {
    public static let size = 56

    public static func encode(_ sample: DashboardSample) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        append(sample.sequence, to: &bytes)
        for value in [sample.time, sample.cpuPercent, sample.memoryPercent, sample.diskPercent, sample.networkMbps, sample.ioMBps] {
            append((value ?? .nan).bitPattern, to: &bytes)
        }
        return bytes
    }

    public static func decode(_ bytes: ArraySlice<UInt8>) -> DashboardSample? {
        guard bytes.count == size else { return nil }
        let words = (0..<7).map { index in
            bytes[(bytes.startIndex + index * 8)..<(bytes.startIndex + index * 8 + 8)].reversed().reduce(UInt64(0)) {
                $0 << 8 | UInt64($1)
            }
        }
        func figure(_ word: UInt64) -> Double? {
            let value = Double(bitPattern: word)
            return value.isNaN ? nil : value
        }
        return DashboardSample(
            sequence: words[0], time: Double(bitPattern: words[1]), cpuPercent: figure(words[2]),
            memoryPercent: figure(words[3]), diskPercent: figure(words[4]), networkMbps: figure(words[5]),
            ioMBps: figure(words[6]))
    }

    private static func append(_ word: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
    }
}
