import API
import Foundation
import Testing

@testable import HostMetrics

@Suite struct FibreChannelTests {
    @Test func fixtureTreeGivesInfoAndCounters() throws {
        let samples = try NodeFixture.collect(FibreChannelCollector(sys: NodeFixture.roots("fibrechannel").sys))
        func c(_ family: String, _ host: String) -> String { "node_fibrechannel_\(family){fc_host=\"\(host)\"}" }
        let symbolic = "QLE2692 FW:v9.06.02 DVR:v10.02.00.106-k", speeds = "4 Gbit, 8 Gbit, 16 Gbit"
        var expected: [String: Double] = [
            "node_fibrechannel_info{dev_loss_tmo=\"30\",fabric_name=\"1000c4f57c123456\",fc_host=\"host0\",port_id=\"010200\",port_name=\"1000f4e9d4567890\",port_state=\"Online\",port_type=\"NPort (fabric via point-to-point)\",speed=\"16 Gbit\",supported_classes=\"Class 3\",supported_speeds=\"\(speeds)\",symbolic_name=\"\(symbolic)\"}": 1,
            "node_fibrechannel_info{dev_loss_tmo=\"30\",fabric_name=\"0\",fc_host=\"host1\",port_id=\"000000\",port_name=\"1000f4e9d4567891\",port_state=\"Linkdown\",port_type=\"Unknown\",speed=\"unknown\",supported_classes=\"Class 3\",supported_speeds=\"\(speeds)\",symbolic_name=\"\(symbolic)\"}": 1,
            c("dumped_frames_total", "host0"): 0, c("error_frames_total", "host0"): 2, c("invalid_crc_total", "host0"): 1,
            c("rx_frames_total", "host0"): 1_000_000_000, c("rx_words_total", "host0"): 8_000_000_000,
            c("tx_frames_total", "host0"): 800_000_000, c("tx_words_total", "host0"): 6_400_000_000,
            c("seconds_since_last_reset_total", "host0"): 86400, c("invalid_tx_words_total", "host0"): 5,
            c("link_failure_total", "host0"): 3, c("loss_of_sync_total", "host0"): 4, c("loss_of_signal_total", "host0"): 6,
            c("fcp_packet_aborts_total", "host0"): 0,
        ]
        for family in [
            "dumped_frames_total", "error_frames_total", "invalid_crc_total", "rx_frames_total", "rx_words_total",
            "tx_frames_total", "tx_words_total", "invalid_tx_words_total", "link_failure_total", "loss_of_sync_total",
            "loss_of_signal_total", "nos_total", "fcp_packet_aborts_total",
        ] { expected[c(family, "host1")] = 0 }
        expectSeries(samples.series, expected)
        #expect(samples.types.filter { $0.key != "node_fibrechannel_info" }.values.allSatisfy { $0 == .counter })
    }

    @Test func countersParseInAnyBase() {
        #expect(FibreChannelCollector.unsignedAnyBase("0x1F") == 31)
        #expect(FibreChannelCollector.unsignedAnyBase("017") == 15)
        #expect(FibreChannelCollector.unsignedAnyBase("0") == 0)
        #expect(FibreChannelCollector.unsignedAnyBase("12") == 12)
        #expect(FibreChannelCollector.unsignedAnyBase("0xZ") == nil)
    }

    @Test func absentClassGivesAnEmptySection() throws {
        #expect(try NodeFixture.collect(FibreChannelCollector(sys: NodeFixture.absent.sys)).samples.isEmpty)
        #expect(try NodeFixture.collect(FibreChannelCollector(sys: Fixtures.host.sys)).samples.isEmpty)
    }
}
