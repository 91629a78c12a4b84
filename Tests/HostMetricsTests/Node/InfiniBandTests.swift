import API
import Foundation
import Testing

@testable import HostMetrics

@Suite struct InfiniBandTests {
    @Test func fixtureTreeGivesInfoStatesRatesAndCounters() throws {
        let samples = try NodeFixture.collect(InfiniBandCollector(sys: NodeFixture.roots("infiniband").sys))
        func p(_ family: String, _ device: String, _ port: String) -> String {
            "node_infiniband_\(family){device=\"\(device)\",port=\"\(port)\"}"
        }
        let m = "mlx4_0", h = "hfi1_0"
        expectSeries(samples.series, [
            "node_infiniband_info{board_id=\"SM_1141000001000\",device=\"mlx4_0\",firmware_version=\"2.31.5050\",hca_type=\"MT4099\"}": 1,
            "node_infiniband_info{board_id=\"HPE 100Gb 1-port OP101 QSFP28 x16 PCIe Gen3 with Intel Omni-Path Adapter\",device=\"hfi1_0\",firmware_version=\"1.27.0\",hca_type=\"\"}": 1,
            p("state_id", m, "1"): 4, p("physical_state_id", m, "1"): 5, p("rate_bytes_per_second", m, "1"): 5_000_000_000,
            p("legacy_multicast_packets_received_total", m, "1"): 93, p("legacy_multicast_packets_transmitted_total", m, "1"): 16,
            p("legacy_data_received_bytes_total", m, "1"): 2_221_223_609 * 4, p("legacy_packets_received_total", m, "1"): 87_169_372,
            p("legacy_unicast_packets_received_total", m, "1"): 61148, p("legacy_unicast_packets_transmitted_total", m, "1"): 61239,
            p("legacy_data_transmitted_bytes_total", m, "1"): 26_509_113_295 * 4, p("legacy_packets_transmitted_total", m, "1"): 85_734_114,
            p("excessive_buffer_overrun_errors_total", m, "1"): 0, p("link_downed_total", m, "1"): 1,
            p("link_error_recovery_total", m, "1"): 2, p("local_link_integrity_errors_total", m, "1"): 0,
            p("multicast_packets_received_total", m, "1"): 93, p("multicast_packets_transmitted_total", m, "1"): 16,
            p("port_constraint_errors_received_total", m, "1"): 0, p("port_constraint_errors_transmitted_total", m, "1"): 0,
            p("port_data_received_bytes_total", m, "1"): 2_221_223_609 * 4, p("port_data_transmitted_bytes_total", m, "1"): 26_509_113_295 * 4,
            p("port_discards_received_total", m, "1"): 0, p("port_discards_transmitted_total", m, "1"): 5,
            p("port_errors_received_total", m, "1"): 0, p("port_packets_received_total", m, "1"): 87_169_372,
            p("port_packets_transmitted_total", m, "1"): 85_734_114, p("port_transmit_wait_total", m, "1"): 3599,
            p("unicast_packets_received_total", m, "1"): 61148, p("unicast_packets_transmitted_total", m, "1"): 61239,
            p("port_receive_remote_physical_errors_total", m, "1"): 0, p("port_receive_switch_relay_errors_total", m, "1"): 0,
            p("symbol_error_total", m, "1"): 0, p("vl15_dropped_total", m, "1"): 0,
            p("state_id", m, "2"): 1, p("physical_state_id", m, "2"): 3, p("rate_bytes_per_second", m, "2"): 1_250_000_000,
            p("link_downed_total", m, "2"): 0, p("symbol_error_total", m, "2"): 0,
            p("state_id", h, "1"): 4, p("physical_state_id", h, "1"): 5, p("rate_bytes_per_second", h, "1"): 312_500_000,
            p("port_data_received_bytes_total", h, "1"): 4000, p("port_data_transmitted_bytes_total", h, "1"): 64,
            p("port_packets_received_total", h, "1"): 17,
        ])
    }

    @Test func stateAndRateParse() throws {
        #expect(try InfiniBandCollector.stateNumber(Array("4: ACTIVE\n".utf8), file: "state") == 4)
        #expect(throws: ParseError.self) { try InfiniBandCollector.stateNumber(Array("ACTIVE\n".utf8), file: "state") }
        #expect(try InfiniBandCollector.rateBytes(Array("100 Gb/sec (4X EDR)\n".utf8), file: "rate") == 12_500_000_000)
        #expect(throws: ParseError.self) { try InfiniBandCollector.rateBytes(Array("fast\n".utf8), file: "rate") }
    }

    @Test func absentClassGivesAnEmptySection() throws {
        #expect(try NodeFixture.collect(InfiniBandCollector(sys: NodeFixture.absent.sys)).samples.isEmpty)
        #expect(try NodeFixture.collect(InfiniBandCollector(sys: Fixtures.host.sys)).samples.isEmpty)
    }
}
