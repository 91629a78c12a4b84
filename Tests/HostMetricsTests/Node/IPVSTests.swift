import API
import Foundation
import Testing

@testable import HostMetrics

@Suite struct IPVSTests {
    @Test func fixtureGivesTotalsAndSummedBackends() throws {
        let samples = try NodeFixture.collect(IPVSCollector(proc: NodeFixture.roots("ipvs").proc))
        func b(_ family: String, _ local: String, _ mark: String, _ localPort: Int, _ proto: String, _ remote: String, _ remotePort: Int) -> String {
            "node_ipvs_backend_\(family){local_address=\"\(local)\",local_mark=\"\(mark)\",local_port=\"\(localPort)\",proto=\"\(proto)\",remote_address=\"\(remote)\",remote_port=\"\(remotePort)\"}"
        }
        var expected: [String: Double] = [
            "node_ipvs_connections_total": 0x16AA370, "node_ipvs_incoming_packets_total": 0xE33656E5,
            "node_ipvs_outgoing_packets_total": 0, "node_ipvs_incoming_bytes_total": 0x51D8C8883AB3,
            "node_ipvs_outgoing_bytes_total": 0,
        ]
        // (local, mark, local port, proto, remote, remote port) → (active, inactive, weight)
        let backends: [((String, String, Int, String, String, Int), (Double, Double, Double))] = [
            (("192.168.0.22", "", 3306, "TCP", "192.168.82.22", 3306), (248, 2, 100)),
            (("192.168.0.22", "", 3306, "TCP", "192.168.82.21", 3306), (260, 5, 150)),
            (("192.168.0.57", "", 3306, "TCP", "192.168.84.22", 3306), (0, 0, 0)),
            (("192.168.0.57", "", 3306, "TCP", "192.168.82.21", 3306), (1499, 0, 100)),
            (("192.168.0.22", "", 53, "UDP", "192.168.82.22", 53), (0, 7, 1)),
            (("2620:0:abc::1", "", 80, "TCP", "2620:0:abc::2", 80), (0, 0, 1)),
            (("2620:0:abc::1", "", 80, "TCP", "192.168.0.1", 80), (3, 4, 2)),
            (("", "10001000", 0, "FWM", "192.168.50.26", 3306), (0, 1, 0)),
            (("", "10001000", 0, "FWM", "192.168.50.21", 3306), (0, 2, 0)),
        ]
        for ((local, mark, localPort, proto, remote, remotePort), (active, inactive, weight)) in backends {
            expected[b("connections_active", local, mark, localPort, proto, remote, remotePort)] = active
            expected[b("connections_inactive", local, mark, localPort, proto, remote, remotePort)] = inactive
            expected[b("weight", local, mark, localPort, proto, remote, remotePort)] = weight
        }
        expectSeries(samples.series, expected)
    }

    @Test func addressesAreWrittenAsGoWritesThem() {
        #expect(IPVS.format([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]) == "::1")
        #expect(IPVS.format([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]) == "2001:db8:0:1::")
        #expect(IPVS.format([0x20, 0x01, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1]) == "2001:0:1:0:1:0:1:1", "a lone zero group stays")
        #expect(IPVS.addressAndPort("0A000001:01BB")! == ("10.0.0.1", 443))
        #expect(IPVS.addressAndPort("0A00001:01BB") == nil)
    }

    @Test func corruptFilesAreErrors() {
        #expect(throws: ParseError.self) { try IPVS.parseTotals(Array("x\ny\n".utf8)) }
        #expect(throws: ParseError.self) { try IPVS.parseTotals(Array("a\nb\n 1 2 3\n\n".utf8)) }
        #expect(throws: ParseError.self) { try IPVS.parseBackends(Array("TCP  C0A80016:0CEA wlc\n  -> C0A85216:0CEA Tunnel x 1 2\n".utf8)) }
    }

    @Test func noIPVSModuleGivesAnEmptySection() throws {
        #expect(try NodeFixture.collect(IPVSCollector(proc: NodeFixture.absent.proc)).samples.isEmpty)
        #expect(try NodeFixture.collect(IPVSCollector(proc: Fixtures.host.proc)).samples.isEmpty)
    }
}
