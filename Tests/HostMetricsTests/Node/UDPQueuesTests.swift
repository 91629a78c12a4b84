import API
import Testing

@testable import HostMetrics

@Suite struct UDPQueuesTests {
    static let node = Fixtures.directory + "/node/udp_queues/proc"

    @Test func sumsTheHexQueuesOverSockets() throws {
        let udp = try NetUDP.parse(try Fixtures.bytes("node/udp_queues/proc/net/udp"))
        #expect(udp.sockets == 2 && udp.receiveQueueBytes == 0x9C0 && udp.transmitQueueBytes == 0)
        let bad = "  sl  local_address rem_address   st tx_queue rx_queue tr\n 1: 0100007F:8CDE 00000000:0000 07 000009C0 00:00000000 0 0 0 1\n"
        #expect(throws: ParseError.self) { try NetUDP.parse(Array(bad.utf8)) }
        #expect(throws: ParseError.self) { try NetUDP.parse(Array("header\n 1: 0100007F:8CDE\n".utf8)) }
    }

    /// Sockets holding datagrams no one has read (captured; see the folder's README).
    @Test func queuedDatagramsShowPerIPVersion() throws {
        let samples = try KernelCounterFixtures.samples(UDPQueuesCollector(proc: FileTree(root: Self.node)))
        #expect(KernelCounterFixtures.lines(samples) == [
            "node_udp_queues{ip=\"v4\",queue=\"rx\"} 2496", "node_udp_queues{ip=\"v4\",queue=\"tx\"} 0",
            "node_udp_queues{ip=\"v6\",queue=\"rx\"} 832", "node_udp_queues{ip=\"v6\",queue=\"tx\"} 0",
        ])
    }

    /// The captured host has no UDP sockets: headers only, zero queues; IPv6 disabled leaves v6 out.
    @Test func capturedHostAndNoIPv6() throws {
        let samples = try KernelCounterFixtures.samples(UDPQueuesCollector(proc: Fixtures.host.proc))
        #expect(samples.samples.count == 4 && samples.samples.allSatisfy { $0.value == 0 && $0.descriptor.type == .gauge })
        let root = try KernelCounterFixtures.tree(["net/udp": String(decoding: try Fixtures.bytes("node/udp_queues/proc/net/udp"), as: UTF8.self)])
        defer { KernelCounterFixtures.remove(root) }
        let v4 = try KernelCounterFixtures.samples(UDPQueuesCollector(proc: FileTree(root: root)))
        #expect(KernelCounterFixtures.lines(v4) == ["node_udp_queues{ip=\"v4\",queue=\"rx\"} 2496", "node_udp_queues{ip=\"v4\",queue=\"tx\"} 0"])
    }

    /// A table past the read cap fails with a reason instead of a short sum.
    @Test func aTablePastTheReadCapFails() throws {
        let line = " 4801: 00000000:C1B7 00000000:0000 07 00000000:00000001 00:00000000 00000000     0        0 138259 2 0 0\n"
        let root = try KernelCounterFixtures.tree(["net/udp": "  sl  local_address rem_address\n" + String(repeating: line, count: 40)])
        defer { KernelCounterFixtures.remove(root) }
        let small = UDPQueuesCollector(proc: FileTree(root: root, maxFileBytes: 4096))
        #expect(throws: TableTooLarge.self) { try KernelCounterFixtures.samples(small) }
        let whole = try KernelCounterFixtures.samples(UDPQueuesCollector(proc: FileTree(root: root)))
        #expect(whole.value("node_udp_queues", ["v4", "rx"]) == 40)
    }
}
