import API
import Testing

@testable import HostMetrics

/// netdev's `/metrics` side: every /proc/net/dev column under node_exporter's names, rx_nohandler from
/// sysfs, and the default device filter, while the JSON keeps every interface.
@Suite struct NetDevTests {
    static func families(_ network: NetworkSample) -> [String: [String: Double]] {
        var set = MetricSet()
        network.addMetrics(to: &set)
        var byFamily: [String: [String: Double]] = [:]
        for family in set.sortedFamilies where family.descriptor.name.hasPrefix("node_network_") {
            #expect(family.descriptor.type == .counter && family.descriptor.labels == ["device"])
            for sample in family.samples { byFamily[family.descriptor.name, default: [:]][sample.labelValues[0]] = sample.value }
        }
        return byFamily
    }

    static func collect(_ root: String) throws -> NetworkSample {
        let collector = NetworkCollector(proc: FileTree(root: root + "/proc"), sys: FileTree(root: root + "/sys"))
        var snapshot = Snapshot(sequence: 1, timestamp: 0, hostname: "test")
        try collector.collect(into: &snapshot, at: SampleInstant(monotonic: 1, wall: 1))
        return try #require(snapshot.network)
    }

    @Test func everyColumnGoesToItsFamily() throws {
        let families = Self.families(try Self.collect(Fixtures.directory + "/node/netdev"))
        let expected: [(String, Double)] = [
            ("receive_bytes", 1_234_567_890_123), ("receive_packets", 1001), ("receive_errs", 1002),
            ("receive_drop", 1003), ("receive_fifo", 1004), ("receive_frame", 1005), ("receive_compressed", 1006),
            ("receive_multicast", 1007), ("transmit_bytes", 98_765_432_101), ("transmit_packets", 2001),
            ("transmit_errs", 2002), ("transmit_drop", 2003), ("transmit_fifo", 2004), ("transmit_colls", 2005),
            ("transmit_carrier", 2006), ("transmit_compressed", 2007), ("receive_nohandler", 31),
        ]
        #expect(families.count == 17)
        for (field, value) in expected {
            #expect(families["node_network_\(field)_total"]?["enp3s0"] == value, "\(field)")
        }
        #expect(families["node_network_transmit_compressed_total"]?["wg0"] == 14)
        #expect(families["node_network_receive_nohandler_total"]?["wg0"] == nil, "not in sysfs: no sample")
    }

    /// Debian's node_exporter leaves out `lo` (`--collector.netdev.device-exclude=^lo$`); the JSON and the
    /// dashboard's totals keep their own rule.
    @Test func loopbackIsLeftOutOfMetricsOnly() throws {
        let network = try Self.collect(Fixtures.directory + "/node/netdev")
        #expect(network.interfaces.map(\.name) == ["lo", "enp3s0", "wg0"])
        for (family, devices) in Self.families(network) { #expect(devices["lo"] == nil, "\(family)") }
        #expect(NodeDeviceFilters.netdevExcludes("lo"))
        for name in ["lo0", "lo:1", "eth0", "vlo", ""] { #expect(!NodeDeviceFilters.netdevExcludes(name), "\(name)") }
    }

    @Test func capturedHostMatchesItsFiles() throws {
        let network = try Self.collect(Fixtures.directory + "/host")
        let families = Self.families(network)
        let netdev = try NetDev.parse(try Fixtures.bytes("host/proc/net/dev"))
        let eth0 = try #require(netdev.interfaces.first { $0.name == "eth0" })
        #expect(families["node_network_receive_bytes_total"]?["eth0"] == Double(eth0.receive[0]))
        #expect(families["node_network_transmit_packets_total"]?["eth0"] == Double(eth0.transmit[1]))
        let noHandler = try Fixtures.bytes("host/sys/class/net/eth0/statistics/rx_nohandler")
        #expect(families["node_network_receive_nohandler_total"]?["eth0"] == Double(String(decoding: noHandler.dropLast(), as: UTF8.self)))
        #expect(Set(families["node_network_receive_bytes_total"]?.keys ?? [:].keys) == Set(netdev.interfaces.map(\.name)).subtracting(["lo"]))
    }

    @Test func aMalformedNoHandlerCountNamesItsFile() throws {
        let root = try DeviceScratchTree(copying: Fixtures.directory + "/node/netdev")
        try root.write("sys/class/net/enp3s0/statistics/rx_nohandler", "lots\n")
        #expect { try Self.collect(root.path) } throws: { error in
            "\(error)".contains("class/net/enp3s0/statistics/rx_nohandler")
        }
    }
}
