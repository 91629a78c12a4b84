/// Network families, with node_exporter's names and labels: every /proc/net/dev column, as its netdev
/// collector names them (its netlink reading folds the detailed error counters into the same sums the
/// kernel prints in /proc/net/dev), plus rx_nohandler.
public enum NetworkMetrics {
    static let device = ["device"]

    static func counter(_ field: String, _ help: String) -> MetricDescriptor {
        MetricDescriptor("node_network_\(field)_total", .counter, help, labels: device)
    }

    public static let receiveBytes = counter("receive_bytes", "Bytes received by the network device.")
    public static let receivePackets = counter("receive_packets", "Packets received by the network device.")
    public static let receiveErrors = counter("receive_errs", "Receive errors of the network device.")
    public static let receiveDrops = counter(
        "receive_drop", "Received packets the network device dropped, missed ones included.")
    public static let receiveFifo = counter("receive_fifo", "Receive FIFO overruns of the network device.")
    public static let receiveFrame = counter(
        "receive_frame", "Receive framing, length, overrun and CRC errors of the network device.")
    public static let receiveCompressed = counter(
        "receive_compressed", "Compressed packets received by the network device.")
    public static let receiveMulticast = counter(
        "receive_multicast", "Multicast packets received by the network device.")
    public static let receiveNoHandler = counter(
        "receive_nohandler", "Received packets dropped for want of a protocol handler.")
    public static let transmitBytes = counter("transmit_bytes", "Bytes sent by the network device.")
    public static let transmitPackets = counter("transmit_packets", "Packets sent by the network device.")
    public static let transmitErrors = counter("transmit_errs", "Transmit errors of the network device.")
    public static let transmitDrops = counter("transmit_drop", "Packets to send that the network device dropped.")
    public static let transmitFifo = counter("transmit_fifo", "Transmit FIFO errors of the network device.")
    public static let transmitCollisions = counter("transmit_colls", "Collisions seen by the network device.")
    public static let transmitCarrier = counter(
        "transmit_carrier", "Carrier, aborted, heartbeat and window errors of the network device.")
    public static let transmitCompressed = counter(
        "transmit_compressed", "Compressed packets sent by the network device.")
    public static let throughput = MetricDescriptor(
        "shelteragent_network_throughput_bytes_per_second", .gauge,
        "Bytes sent plus received per second on all interfaces but lo over the last collection interval.")

    static func add(_ network: NetworkSample, to set: inout MetricSet) {
        for interface in network.interfaces where interface.inMetrics {
            let labels = [interface.name]
            set.add(receiveBytes, labels, interface.receiveBytes)
            set.add(receivePackets, labels, interface.receivePackets)
            set.add(receiveErrors, labels, interface.receiveErrors)
            set.add(receiveDrops, labels, interface.receiveDrops)
            set.add(receiveFifo, labels, interface.receiveFifo)
            set.add(receiveFrame, labels, interface.receiveFrame)
            set.add(receiveCompressed, labels, interface.receiveCompressed)
            set.add(receiveMulticast, labels, interface.receiveMulticast)
            set.add(receiveNoHandler, labels, interface.receiveNoHandler)
            set.add(transmitBytes, labels, interface.transmitBytes)
            set.add(transmitPackets, labels, interface.transmitPackets)
            set.add(transmitErrors, labels, interface.transmitErrors)
            set.add(transmitDrops, labels, interface.transmitDrops)
            set.add(transmitFifo, labels, interface.transmitFifo)
            set.add(transmitCollisions, labels, interface.transmitCollisions)
            set.add(transmitCarrier, labels, interface.transmitCarrier)
            set.add(transmitCompressed, labels, interface.transmitCompressed)
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
