import API

/// node_exporter's `ipvs`: the IPVS load balancer's totals and, per real server, its weight and active
/// and inactive connections (summed over entries with the same labels, as node_exporter sums them),
/// from /proc/net/ip_vs_stats and /proc/net/ip_vs.
public final class IPVSCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "ipvs", recheckWhenAbsent: 60, reads: ["proc/net/ip_vs_stats", "proc/net/ip_vs"],
        exports: [
            "node_ipvs_connections_total", "node_ipvs_incoming_packets_total", "node_ipvs_outgoing_packets_total",
            "node_ipvs_incoming_bytes_total", "node_ipvs_outgoing_bytes_total", "node_ipvs_backend_connections_active",
            "node_ipvs_backend_connections_inactive", "node_ipvs_backend_weight",
        ])

    public static func make(_ context: CollectorContext) -> any Collector { IPVSCollector(proc: context.roots.proc) }

    static let connections = MetricDescriptor("node_ipvs_connections_total", .counter, "Connections IPVS has scheduled.")
    static let incomingPackets = MetricDescriptor("node_ipvs_incoming_packets_total", .counter, "Packets IPVS received.")
    static let outgoingPackets = MetricDescriptor("node_ipvs_outgoing_packets_total", .counter, "Packets IPVS sent.")
    static let incomingBytes = MetricDescriptor("node_ipvs_incoming_bytes_total", .counter, "Bytes IPVS received.")
    static let outgoingBytes = MetricDescriptor("node_ipvs_outgoing_bytes_total", .counter, "Bytes IPVS sent.")
    static let backendLabels = ["local_address", "local_mark", "local_port", "proto", "remote_address", "remote_port"]
    static let active = MetricDescriptor(
        "node_ipvs_backend_connections_active", .gauge, "Active connections to the real server.", labels: backendLabels)
    static let inactive = MetricDescriptor(
        "node_ipvs_backend_connections_inactive", .gauge, "Inactive connections to the real server.", labels: backendLabels)
    static let weight = MetricDescriptor("node_ipvs_backend_weight", .gauge, "Weight of the real server.", labels: backendLabels)

    private let proc: KeptFiles

    public init(proc: FileTree) {
        self.proc = KeptFiles(proc)
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        // No ip_vs module: no ip_vs_stats. With it, ip_vs must be there too.
        if let bytes = try proc.readIfPresent("net/ip_vs_stats") {
            let totals = try IPVS.parseTotals(bytes)
            samples.add(Self.connections, [], totals.connections)
            samples.add(Self.incomingPackets, [], totals.incomingPackets)
            samples.add(Self.outgoingPackets, [], totals.outgoingPackets)
            samples.add(Self.incomingBytes, [], totals.incomingBytes)
            samples.add(Self.outgoingBytes, [], totals.outgoingBytes)
            var order: [[String]] = []
            var sums: [[String]: (active: UInt64, inactive: UInt64, weight: UInt64)] = [:]
            for backend in try IPVS.parseBackends(try proc.read("net/ip_vs")) {
                let labels = [
                    backend.localAddress, backend.localMark, String(backend.localPort), backend.proto, backend.remoteAddress,
                    String(backend.remotePort),
                ]
                if sums[labels] == nil { order.append(labels) }
                var sum = sums[labels] ?? (0, 0, 0)
                sum.active += backend.activeConnections
                sum.inactive += backend.inactiveConnections
                sum.weight += backend.weight
                sums[labels] = sum
            }
            for labels in order {
                let sum = sums[labels]!
                samples.add(Self.active, labels, sum.active)
                samples.add(Self.inactive, labels, sum.inactive)
                samples.add(Self.weight, labels, sum.weight)
            }
        }
        snapshot.setSection(name, samples)
    }
}
