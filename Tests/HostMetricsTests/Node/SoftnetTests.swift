import API
import Testing

@testable import HostMetrics

@Suite struct SoftnetTests {
    @Test func parsesTheFirstThreeHexColumns() throws {
        let line = "0005cfa0 0000000a 000000ff 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000001\n"
        let stat = try SoftnetStat.parse(Array(line.utf8))
        #expect(stat.rows == [SoftnetStat.Row(processed: 0x5cfa0, dropped: 10, timeSqueezed: 255)])
        #expect(throws: ParseError.self) { try SoftnetStat.parse(Array("0005cfa0 00000000 00000000\n".utf8)) }
        #expect(throws: ParseError.self) { try SoftnetStat.parse(Array("0005cfaz 0 0 0 0 0 0 0 0\n".utf8)) }
    }

    /// The captured file has a line per CPU of this two-CPU VM; each is labelled by its position.
    @Test func capturedHostExportsEachCPU() throws {
        let samples = try KernelCounterFixtures.samples(SoftnetCollector(proc: Fixtures.host.proc))
        let rows = try SoftnetStat.parse(try Fixtures.bytes("host/proc/net/softnet_stat")).rows
        #expect(rows.count == 2)
        for (cpu, row) in rows.enumerated() {
            #expect(samples.value("node_softnet_processed_total", ["\(cpu)"]) == Double(row.processed))
            #expect(samples.value("node_softnet_dropped_total", ["\(cpu)"]) == Double(row.dropped))
            #expect(samples.value("node_softnet_times_squeezed_total", ["\(cpu)"]) == Double(row.timeSqueezed))
        }
        #expect(samples.samples.count == 6)
        #expect(samples.samples.allSatisfy { $0.descriptor.type == .counter && $0.descriptor.labels == ["cpu"] })
        #expect(try #require(rows.first).processed > 0)
    }
}
