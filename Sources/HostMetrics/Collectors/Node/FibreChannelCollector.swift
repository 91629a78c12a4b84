#if canImport(Glibc)
    import Glibc
#endif
import API

/// node_exporter's `fibrechannel`: each FC host bus adapter port's identity and state as labels of
/// `node_fibrechannel_info`, and its link and frame counters, from /sys/class/fc_host.
public final class FibreChannelCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "fibrechannel", recheckWhenAbsent: 60, reads: ["sys/class/fc_host/*/*", "sys/class/fc_host/*/statistics/*"],
        exports: ["node_fibrechannel_*"])

    public static func make(_ context: CollectorContext) -> any Collector { FibreChannelCollector(sys: context.roots.sys) }

    /// The port's attributes node_exporter requires, and which of them lose their `0x` (WWNs, port id).
    static let attributes = [
        "speed", "port_state", "port_type", "node_name", "port_id", "port_name", "fabric_name", "dev_loss_tmo",
        "symbolic_name", "supported_classes", "supported_speeds",
    ]
    static let hexNamed: Set<String> = ["node_name", "port_id", "port_name", "fabric_name"]

    static let infoDescriptor = MetricDescriptor(
        "node_fibrechannel_info", .gauge, "FC host port's identity and state as labels, always 1.",
        labels: [
            "dev_loss_tmo", "fabric_name", "fc_host", "port_id", "port_name", "port_state", "port_type", "speed",
            "supported_classes", "supported_speeds", "symbolic_name",
        ])

    /// statistics/ file → family, in node_exporter's order. A file the HBA lacks counts 0, as in
    /// node_exporter; a counter of all ones (2⁶⁴−1) is one the firmware does not keep, and is left out.
    static let counters: [(file: String, descriptor: MetricDescriptor)] = [
        ("dumped_frames", "dumped_frames_total", "Frames the port dumped."),
        ("error_frames", "error_frames_total", "Frames received with errors."),
        ("invalid_crc_count", "invalid_crc_total", "Frames received with a bad CRC."),
        ("rx_frames", "rx_frames_total", "Frames received."),
        ("rx_words", "rx_words_total", "Words received."),
        ("tx_frames", "tx_frames_total", "Frames sent."),
        ("tx_words", "tx_words_total", "Words sent."),
        ("seconds_since_last_reset", "seconds_since_last_reset_total", "Seconds since the port's counters were reset."),
        ("invalid_tx_word_count", "invalid_tx_words_total", "Invalid words sent."),
        ("link_failure_count", "link_failure_total", "Times the port's link failed."),
        ("loss_of_sync_count", "loss_of_sync_total", "Times the port lost word or bit sync."),
        ("loss_of_signal_count", "loss_of_signal_total", "Times the port lost signal."),
        ("nos_count", "nos_total", "Not-Operational primitive sequences received."),
        ("fcp_packet_aborts", "fcp_packet_aborts_total", "FCP packets aborted."),
    ].map { ($0.0, MetricDescriptor("node_fibrechannel_" + $0.1, .counter, $0.2, labels: ["fc_host"])) }

    private let sys: FileTree

    public init(sys: FileTree) {
        self.sys = sys
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        var samples = MetricSamples()
        for host in try sys.sortedListIfPresent("class/fc_host") ?? [] {
            let directory = "class/fc_host/" + host
            var values = ["fc_host": host]
            for attribute in Self.attributes {
                var text = SysfsAttribute.text(try sys.read(directory + "/" + attribute))
                if Self.hexNamed.contains(attribute) && text.utf8.count > 2 { text = String(text.dropFirst(2)) }
                values[attribute] = text
            }
            samples.add(Self.infoDescriptor, Self.infoDescriptor.labels.map { values[$0] ?? "" }, 1.0)

            var counts: [String: UInt64] = [:]
            for entry in try sys.entriesIfPresent(directory + "/statistics") ?? [] where entry.kind == .regular {
                guard entry.name != "reset_statistics", Self.counters.contains(where: { $0.file == entry.name }),
                    let bytes = try readStatistic(directory + "/statistics/" + entry.name)
                else { continue }
                guard let value = Self.unsignedAnyBase(SysfsAttribute.text(bytes)) else {
                    throw ParseError(file: sys.path(directory + "/statistics/" + entry.name), line: 1,
                                     reason: "expected a number", text: SysfsAttribute.text(bytes))
                }
                counts[entry.name] = value
            }
            for (file, descriptor) in Self.counters {
                let value = counts[file] ?? 0
                if value != UInt64.max { samples.add(descriptor, [host], value) }
            }
        }
        snapshot.setSection(name, samples)
    }

    /// `nil` for a statistic the driver does not offer now (EOPNOTSUPP, EINVAL), as node_exporter skips it.
    private func readStatistic(_ relative: String) throws(FileError) -> [UInt8]? {
        do {
            return try sys.readIfPresent(relative)
        } catch {
            if error.errno == EINVAL || error.errno == EOPNOTSUPP { return nil }
            throw error
        }
    }

    /// Go's `ParseUint(s, 0, 64)` for what the FC drivers write: `0x…` hex (most of them), `0…` octal,
    /// else decimal.
    static func unsignedAnyBase(_ text: String) -> UInt64? {
        if text.hasPrefix("0x") || text.hasPrefix("0X") { return UInt64(text.dropFirst(2), radix: 16) }
        if text.hasPrefix("0") && text.count > 1 { return UInt64(text.dropFirst(), radix: 8) }
        return UInt64(text, radix: 10)
    }
}
