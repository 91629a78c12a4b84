#if canImport(Glibc)
    import Glibc
#endif
import API

/// node_exporter's `infiniband`: each HCA's identity (`node_infiniband_info`) and, per port, its state,
/// physical state, rate and the port counters (counters/ and the 64-bit counters_ext/), from
/// /sys/class/infiniband.
public final class InfiniBandCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "infiniband", recheckWhenAbsent: 60,
        reads: [
            "sys/class/infiniband/*/{board_id,fw_ver,hca_type}", "sys/class/infiniband/*/ports/*/{state,phys_state,rate}",
            "sys/class/infiniband/*/ports/*/counters/*", "sys/class/infiniband/*/ports/*/counters_ext/*",
        ],
        exports: ["node_infiniband_*"])

    public static func make(_ context: CollectorContext) -> any Collector { InfiniBandCollector(sys: context.roots.sys) }

    static let infoDescriptor = MetricDescriptor(
        "node_infiniband_info", .gauge, "InfiniBand adapter's identity as labels, always 1.",
        labels: ["board_id", "device", "firmware_version", "hca_type"])
    static let stateID = gauge("state_id", "Logical state of the port (1 down, 2 init, 3 armed, 4 active, 5 active defer).")
    static let physicalStateID = gauge(
        "physical_state_id", "Physical state of the port (1 sleep, 2 polling, 3 disabled, 4 training, 5 link up, 6 error recovery, 7 phy test).")
    static let rate = gauge("rate_bytes_per_second", "Signalling rate of the port, in bytes per second.")

    static func gauge(_ suffix: String, _ help: String) -> MetricDescriptor {
        MetricDescriptor("node_infiniband_" + suffix, .gauge, help, labels: ["device", "port"])
    }

    /// (directory, file, family suffix, multiplier): data counters count 4-octet words.
    static let counters: [(directory: String, file: String, descriptor: MetricDescriptor, multiplier: UInt64)] = [
        ("counters_ext", "port_multicast_rcv_packets", "legacy_multicast_packets_received_total", "Multicast packets received (64-bit counter).", 1),
        ("counters_ext", "port_multicast_xmit_packets", "legacy_multicast_packets_transmitted_total", "Multicast packets sent (64-bit counter).", 1),
        ("counters_ext", "port_rcv_data_64", "legacy_data_received_bytes_total", "Data received, in bytes (64-bit counter).", 4),
        ("counters_ext", "port_rcv_packets_64", "legacy_packets_received_total", "Packets received (64-bit counter).", 1),
        ("counters_ext", "port_unicast_rcv_packets", "legacy_unicast_packets_received_total", "Unicast packets received (64-bit counter).", 1),
        ("counters_ext", "port_unicast_xmit_packets", "legacy_unicast_packets_transmitted_total", "Unicast packets sent (64-bit counter).", 1),
        ("counters_ext", "port_xmit_data_64", "legacy_data_transmitted_bytes_total", "Data sent, in bytes (64-bit counter).", 4),
        ("counters_ext", "port_xmit_packets_64", "legacy_packets_transmitted_total", "Packets sent (64-bit counter).", 1),
        ("counters", "excessive_buffer_overrun_errors", "excessive_buffer_overrun_errors_total", "Runs of flow control periods with buffer overruns.", 1),
        ("counters", "link_downed", "link_downed_total", "Times the link failed to recover from an error and went down.", 1),
        ("counters", "link_error_recovery", "link_error_recovery_total", "Times the link recovered from an error.", 1),
        ("counters", "local_link_integrity_errors", "local_link_integrity_errors_total", "Times local physical errors passed their threshold.", 1),
        ("counters", "multicast_rcv_packets", "multicast_packets_received_total", "Multicast packets received, errors included.", 1),
        ("counters", "multicast_xmit_packets", "multicast_packets_transmitted_total", "Multicast packets sent, errors included.", 1),
        ("counters", "port_rcv_constraint_errors", "port_constraint_errors_received_total", "Packets received and discarded for constraints.", 1),
        ("counters", "port_xmit_constraint_errors", "port_constraint_errors_transmitted_total", "Packets not sent for constraints.", 1),
        ("counters", "port_rcv_data", "port_data_received_bytes_total", "Data received, in bytes.", 4),
        ("counters", "port_xmit_data", "port_data_transmitted_bytes_total", "Data sent, in bytes.", 4),
        ("counters", "port_rcv_discards", "port_discards_received_total", "Received packets discarded (port down or congested).", 1),
        ("counters", "port_xmit_discards", "port_discards_transmitted_total", "Outgoing packets discarded (port down or congested).", 1),
        ("counters", "port_rcv_errors", "port_errors_received_total", "Packets received with errors.", 1),
        ("counters", "port_rcv_packets", "port_packets_received_total", "Packets received, errors included.", 1),
        ("counters", "port_xmit_packets", "port_packets_transmitted_total", "Packets sent, errors included.", 1),
        ("counters", "port_xmit_wait", "port_transmit_wait_total", "Ticks the port had data to send and sent none.", 1),
        ("counters", "unicast_rcv_packets", "unicast_packets_received_total", "Unicast packets received, errors included.", 1),
        ("counters", "unicast_xmit_packets", "unicast_packets_transmitted_total", "Unicast packets sent, errors included.", 1),
        ("counters", "port_rcv_remote_physical_errors", "port_receive_remote_physical_errors_total", "Packets received marked bad by a remote port.", 1),
        ("counters", "port_rcv_switch_relay_errors", "port_receive_switch_relay_errors_total", "Packets the switch could not forward.", 1),
        ("counters", "symbol_error", "symbol_error_total", "Minor link errors on the physical lanes.", 1),
        ("counters", "VL15_dropped", "vl15_dropped_total", "Incoming VL15 packets dropped for lack of resources.", 1),
    ].map { ($0.0, $0.1, MetricDescriptor("node_infiniband_" + $0.2, .counter, $0.3, labels: ["device", "port"]), $0.4) }

    private let sys: FileTree

    public init(sys: FileTree) {
        self.sys = sys
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        for device in try sys.sortedListIfPresent("class/infiniband") ?? [] {
            let directory = "class/infiniband/" + device
            let board = SysfsAttribute.text(try sys.read(directory + "/board_id"))
            let firmware = SysfsAttribute.text(try sys.read(directory + "/fw_ver"))
            let hca = try sys.readIfPresent(directory + "/hca_type").map(SysfsAttribute.text) ?? ""
            samples.add(Self.infoDescriptor, [board, device, firmware, hca], 1.0)
            let ports = try sys.list(directory + "/ports").compactMap { name in UInt32(name).map { (name, $0) } }
            for (port, _) in ports.sorted(by: { $0.1 < $1.1 }) {
                try addPort(device: device, port: port, into: &samples)
            }
        }
        snapshot.setSection(name, samples)
    }

    private func addPort(device: String, port: String, into samples: inout MetricSamples) throws {
        let directory = "class/infiniband/\(device)/ports/\(port)"
        let labels = [device, port]
        samples.add(Self.stateID, labels, try Self.stateNumber(try sys.read(directory + "/state"), file: sys.path(directory + "/state")))
        samples.add(
            Self.physicalStateID, labels,
            try Self.stateNumber(try sys.read(directory + "/phys_state"), file: sys.path(directory + "/phys_state")))
        samples.add(Self.rate, labels, try Self.rateBytes(try sys.read(directory + "/rate"), file: sys.path(directory + "/rate")))
        for (subdirectory, file, descriptor, multiplier) in Self.counters {
            let path = "\(directory)/\(subdirectory)/\(file)"
            guard let bytes = try readCounter(path) else { continue }
            let text = SysfsAttribute.text(bytes)
            guard let value = FibreChannelCollector.unsignedAnyBase(text) else {
                // A port whose management agent is absent says so instead of counting.
                if text.contains("N/A (no PMA)") { continue }
                throw ParseError(file: sys.path(path), line: 1, reason: "expected a number", text: text)
            }
            samples.add(descriptor, labels, value &* multiplier)
        }
    }

    /// `nil` for a counter the port does not have or will not give (EACCES, EOPNOTSUPP, EINVAL), as
    /// node_exporter skips it; a directory where a counter would be is no counter either.
    private func readCounter(_ relative: String) throws(FileError) -> [UInt8]? {
        do {
            return try sys.readIfPresent(relative)
        } catch {
            if error.isPermissionDenied || error.errno == EINVAL || error.errno == EOPNOTSUPP || error.errno == EISDIR {
                return nil
            }
            throw error
        }
    }

    /// `4: ACTIVE` → 4.
    static func stateNumber(_ bytes: [UInt8], file: String) throws(ParseError) -> UInt64 {
        let text = ByteFields.text(bytes[...])
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let number = UInt32(SysfsAttribute.text(Array(parts[0].utf8))) else {
            throw ParseError(file: file, line: 1, reason: "expected `N: NAME`", text: SysfsAttribute.text(bytes))
        }
        return UInt64(number)
    }

    /// `40 Gb/sec (4X QDR)` → bytes per second, as procfs computes it (a 32-bit float of the Gb/s times
    /// 125 000 000, truncated).
    static func rateBytes(_ bytes: [UInt8], file: String) throws(ParseError) -> UInt64 {
        let text = ByteFields.text(bytes[...])
        guard let space = text.firstIndex(of: " "), let gigabits = Float(text[..<space]) else {
            throw ParseError(file: file, line: 1, reason: "expected `N Gb/sec …`", text: SysfsAttribute.text(bytes))
        }
        return UInt64(Double(gigabits) * 125_000_000)
    }
}
