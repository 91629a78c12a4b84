import API

/// node_exporter's `udp_queues`: bytes waiting in UDP sockets' send and receive queues, summed over the
/// sockets of each IP version; a receive queue that grows means a reader that cannot keep up.
public final class UDPQueuesCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "udp_queues", reads: ["proc/1/net/udp, udp6 (else proc/net/…)"], exports: ["node_udp_queues"])

    public static func make(_ context: CollectorContext) -> any Collector { UDPQueuesCollector(proc: context.roots.proc) }

    static let queues = MetricDescriptor(
        "node_udp_queues", .gauge, "Bytes queued in UDP sockets, per IP version and direction.", labels: ["ip", "queue"])

    private let proc: KeptFiles

    public init(proc: FileTree) {
        self.proc = KeptFiles(proc)
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        // udp6 is absent with IPv6 disabled; that version is left out, as node_exporter does.
        for (file, ip) in [("udp", "v4"), ("udp6", "v6")] {
            guard let bytes = try HostNetFiles.readIfPresent(proc, file) else { continue }
            // A line per socket: a table past the read cap would be summed short without a word.
            guard bytes.count < proc.tree.maxFileBytes else { throw TableTooLarge(file: "net/" + file, cap: proc.tree.maxFileBytes) }
            let udp = try NetUDP.parse(bytes, file: "net/" + file)
            samples.add(Self.queues, [ip, "rx"], udp.receiveQueueBytes)
            samples.add(Self.queues, [ip, "tx"], udp.transmitQueueBytes)
        }
        snapshot.setSection(name, samples)
    }
}

/// A socket table longer than the agent reads whole: its queues are not summed rather than summed short.
struct TableTooLarge: Error, CustomStringConvertible {
    let file: String
    let cap: Int
    var description: String { "\(file): more than \(cap) bytes of sockets, past what is read whole; queues not summed" }
}
