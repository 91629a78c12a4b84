import API

/// Network counters from /proc/net/dev with per-interface rates and the throughput the dashboard shows,
/// and for `/metrics` every column under node_exporter's netdev names (its default device filter
/// applied there only).
public final class NetworkCollector: RegisteredCollector {
    public static let info = CollectorInfo(
        name: "netdev", cadence: .everyPass, reads: ["proc/1/net/dev (else proc/net/dev)", "sys/class/net/*/statistics/rx_nohandler"],
        exports: [
            "node_network_receive_bytes_total", "node_network_receive_packets_total", "node_network_receive_errs_total",
            "node_network_receive_drop_total", "node_network_receive_fifo_total", "node_network_receive_frame_total",
            "node_network_receive_compressed_total", "node_network_receive_multicast_total",
            "node_network_receive_nohandler_total", "node_network_transmit_bytes_total",
            "node_network_transmit_packets_total", "node_network_transmit_errs_total", "node_network_transmit_drop_total",
            "node_network_transmit_fifo_total", "node_network_transmit_colls_total",
            "node_network_transmit_carrier_total", "node_network_transmit_compressed_total", "shelteragent_network_*",
        ])

    public static func make(_ context: CollectorContext) -> any Collector {
        NetworkCollector(proc: context.roots.proc, sys: context.roots.sys)
    }

    private let proc: KeptFiles
    /// nil: no sysfs to read rx_nohandler from, and no such family.
    private let sys: FileTree?
    /// Each interface's rx_nohandler, kept open while the interface is.
    private var noHandlerFiles: [String: NetInterfaceAttributes] = [:]
    private var previous: (interfaces: [String: NetDev.Interface], at: Double)?

    public init(proc: FileTree, sys: FileTree? = nil) {
        self.proc = KeptFiles(proc)
        self.sys = sys
    }

    public func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        let netdev = try NetDev.parse(try Self.readHostNetDev(proc.read))
        var keptNoHandler: [String: NetInterfaceAttributes] = [:]
        defer { noHandlerFiles = keptNoHandler }
        var interfaces: [NetworkInterface] = []
        var totalBytesPerSecond: Double?
        for row in netdev.interfaces {
            var interface = NetworkInterface(
                name: row.name, receiveBytes: row.receive[0], receivePackets: row.receive[1],
                receiveErrors: row.receive[2], receiveDrops: row.receive[3], transmitBytes: row.transmit[0],
                transmitPackets: row.transmit[1], transmitErrors: row.transmit[2], transmitDrops: row.transmit[3])
            interface.receiveFifo = row.receive[4]
            interface.receiveFrame = row.receive[5]
            interface.receiveCompressed = row.receive[6]
            interface.receiveMulticast = row.receive[7]
            interface.transmitFifo = row.transmit[4]
            interface.transmitCollisions = row.transmit[5]
            interface.transmitCarrier = row.transmit[6]
            interface.transmitCompressed = row.transmit[7]
            interface.inMetrics = !NodeDeviceFilters.netdevExcludes(row.name)
            if interface.inMetrics { interface.receiveNoHandler = try receiveNoHandler(row.name, keptInto: &keptNoHandler) }
            if let previous, let before = previous.interfaces[row.name] {
                let seconds = instant.monotonic - previous.at
                interface.receiveBytesPerSecond = CounterRate.perSecond(
                    from: before.receive[0], to: row.receive[0], over: seconds)
                interface.transmitBytesPerSecond = CounterRate.perSecond(
                    from: before.transmit[0], to: row.transmit[0], over: seconds)
                if row.name != "lo", let rx = interface.receiveBytesPerSecond, let tx = interface.transmitBytesPerSecond {
                    totalBytesPerSecond = (totalBytesPerSecond ?? 0) + rx + tx
                }
            }
            interfaces.append(interface)
        }
        // With a previous pass but every interface reset or new, the throughput is honestly unknown.
        previous = (Dictionary(netdev.interfaces.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last }),
                    instant.monotonic)
        snapshot.network = NetworkSample(interfaces: interfaces, mbps: totalBytesPerSecond.map { $0 * 8 / 1_000_000 })
    }

    /// node_exporter reads rx_nohandler over netlink; sysfs has the same counter. An interface sysfs does
    /// not show (another network namespace's, or one just removed) has none.
    private func receiveNoHandler(_ interface: String, keptInto kept: inout [String: NetInterfaceAttributes]) throws -> UInt64? {
        guard let sys else { return nil }
        let file = "statistics/rx_nohandler"
        var attributes = noHandlerFiles[interface]
        if let current = attributes, try !current.stillTheSameDevice() { attributes = nil }
        let reader = try attributes ?? NetInterfaceAttributes(sys: sys, name: interface, keeping: [file])
        kept[interface] = reader
        guard let bytes = try reader.read(file) else { return nil }
        let path = "class/net/\(interface)/\(file)"
        guard let value = ByteFields.unsigned(bytes[...].prefix { $0 != ByteFields.newline }) else {
            throw ParseError(file: path, line: 1, reason: "expected a count", text: ByteFields.text(bytes[...]))
        }
        return value
    }

    /// /proc/net/dev follows the reader's network namespace, so a container without host networking would
    /// count its own veth. PID 1's view is the host's whenever PROC_ROOT shows the host's processes; where
    /// PID 1 cannot be read (hidepid, ProtectProc), the agent's own view is the best there is.
    public static func readHostNetDev(_ proc: FileTree) throws(FileError) -> [UInt8] { try readHostNetDev(proc.read) }

    static func readHostNetDev(_ read: (String) throws(FileError) -> [UInt8]) throws(FileError) -> [UInt8] {
        do {
            return try read("1/net/dev")
        } catch where error.isVanished || error.isPermissionDenied {
            return try read("net/dev")
        }
    }
}
