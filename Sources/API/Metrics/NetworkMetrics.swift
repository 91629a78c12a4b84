/// Network families, with node_exporter's names and labels (it exports `lo` too; so do we).
public enum NetworkMetrics {
    static let device = ["device"]
    public static let receiveBytes = MetricDescriptor(
        "node_network_receive_bytes_total", .counter, "Network device statistic receive_bytes.", labels: device)
    public static let receivePackets = MetricDescriptor(
        "node_network_receive_packets_total", .counter, "Network device statistic receive_packets.",
        labels: device)
    public static let receiveErrors = MetricDescriptor(
        "node_network_receive_errs_total", .counter, "Network device statistic receive_errs.", labels: device)
    public static let receiveDrops = MetricDescriptor(
        "node_network_receive_drop_total", .counter, "Network device statistic receive_drop.", labels: device)
    public static let transmitBytes = MetricDescriptor(
        "node_network_transmit_bytes_total", .counter, "Network device statistic transmit_bytes.",
        labels: device)
    public static let transmitPackets = MetricDescriptor(
        "node_network_transmit_packets_total", .counter, "Network device statistic transmit_packets.",
        labels: device)
    public static let transmitErrors = MetricDescriptor(
        "node_network_transmit_errs_total", .counter, "Network device statistic transmit_errs.", labels: device)
    public static let transmitDrops = MetricDescriptor(
        "node_network_transmit_drop_total", .counter, "Network device statistic transmit_drop.", labels: device)
    public static let throughput = MetricDescriptor(
        "shelteragent_network_throughput_bytes_per_second", .gauge,
        "Bytes sent plus received per second on all interfaces but lo over the last collection interval.")

    static func add(_ network: NetworkSample, to set: inout MetricSet) {
        for interface in network.interfaces {
            let labels = [interface.name]
            set.add(receiveBytes, labels, interface.receiveBytes)
            set.add(receivePackets, labels, interface.receivePackets)
            set.add(receiveErrors, labels, interface.receiveErrors)
            set.add(receiveDrops, labels, interface.receiveDrops)
            set.add(transmitBytes, labels, interface.transmitBytes)
            set.add(transmitPackets, labels, interface.transmitPackets)
            set.add(transmitErrors, labels, interface.transmitErrors)
            set.add(transmitDrops, labels, interface.transmitDrops)
        }
        set.add(throughput, [], network.mbps.map { $0 * 1_000_000 / 8 })
    }
}

extension NetworkSample: SnapshotSection {
    public func addMetrics(to set: inout MetricSet) { NetworkMetrics.add(self, to: &set) }

    public func addHistory(to row: inout HistoryRow) {
        var received: Double?, sent: Double?
        for interface in interfaces where interface.name != "lo" {
            if let rx = interface.receiveBytesPerSecond { received = (received ?? 0) + rx }
            if let tx = interface.transmitBytesPerSecond { sent = (sent ?? 0) + tx }
        }
        row.add("network_receive_bytes_per_second", received)
        row.add("network_transmit_bytes_per_second", sent)
    }
}
