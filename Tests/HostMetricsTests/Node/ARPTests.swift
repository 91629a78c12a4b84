import API
import Testing

@testable import HostMetrics

@Suite struct ARPTests {
    static let header = "IP address       HW type     Flags       HW address            Mask     Device\n"

    @Test func countsEntriesPerDevice() throws {
        let text = Self.header
            + "192.0.2.1        0x1         0x2         02:fc:00:00:00:05     *        eth0\n"
            + "192.0.2.7        0x1         0x0         00:00:00:00:00:00     *        eth0\n"
            + "198.51.100.2     0x1         0x2         02:fc:00:00:00:09     *        br-lan\n"
        let arp = try NetARP.parse(Array(text.utf8))
        #expect(arp.entries.map(\.device) == ["eth0", "br-lan"] && arp.entries.map(\.count) == [2, 1])
        #expect(try NetARP.parse(Array(Self.header.utf8)).entries.isEmpty)
        #expect(throws: ParseError.self) { try NetARP.parse(Array((Self.header + "192.0.2.1 0x1 0x2\n").utf8)) }
    }

    @Test func capturedHostExportsItsNeighbour() throws {
        let samples = try KernelCounterFixtures.samples(ARPCollector(proc: Fixtures.host.proc))
        #expect(KernelCounterFixtures.lines(samples) == ["node_arp_entries{device=\"eth0\"} 1"])
        #expect(samples.samples.allSatisfy { $0.descriptor.type == .gauge })
    }
}
