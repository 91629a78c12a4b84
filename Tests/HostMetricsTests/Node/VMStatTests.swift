import API
import Testing

@testable import HostMetrics

@Suite struct VMStatTests {
    /// node_exporter 1.5.0's `--collector.vmstat.fields` default, as vmstat_linux.go declares it.
    static let nodeExporterPattern = "^(oom_kill|pgpg|pswp|pg.*fault).*"

    @Test func parsesPairsAndRejectsABrokenLine() throws {
        let vmstat = try VMStat.parse(Array("nr_free_pages 5478011\npgfault 13590882\nnr_foo -3\n".utf8))
        #expect(vmstat.fields.map(\.name) == ["nr_free_pages", "pgfault", "nr_foo"])
        #expect(vmstat.fields.map(\.value) == [5_478_011, 13_590_882, -3])
        #expect(throws: ParseError(file: "vmstat", line: 2, reason: "expected a name and a number", text: "pgfault x")) {
            try VMStat.parse(Array("pgpgin 1\npgfault x\n".utf8))
        }
    }

    /// The spelled-out filter against node_exporter's regex: every field of the captured file, and names
    /// that sit on the edges of each alternative.
    @Test func filterIsNodeExportersRegex() throws {
        let captured = try VMStat.parse(try Fixtures.bytes("host/proc/vmstat")).fields.map(\.name)
        let edges = ["pg", "pgfault", "pgfaul", "pgXfaultY", "xpgfault", "oom_kil", "oom_kill_x", "pswp", "pswpin", "pgpg", "pgp"]
        for name in captured + edges {
            #expect(
                VMStatCollector.isDefaultField(name) == KernelCounterFixtures.matches(Self.nodeExporterPattern, name), "\(name)")
        }
    }

    @Test func capturedHostExportsTheDefaultFieldsUntyped() throws {
        let samples = try KernelCounterFixtures.samples(VMStatCollector(proc: Fixtures.host.proc))
        let captured = try VMStat.parse(try Fixtures.bytes("host/proc/vmstat")).fields
        let expected = captured.filter { KernelCounterFixtures.matches(Self.nodeExporterPattern, $0.name) }
        #expect(samples.samples.map(\.descriptor.name) == expected.map { "node_vmstat_" + $0.name })
        #expect(samples.samples.map(\.value) == expected.map(\.value))
        #expect(samples.samples.allSatisfy { $0.descriptor.type == .untyped && $0.descriptor.labels.isEmpty })
        // The fields the "major page faults" alert and the swap panels use.
        for name in ["pgfault", "pgmajfault", "pgpgin", "pgpgout", "pswpin", "pswpout", "oom_kill"] {
            #expect(samples.value("node_vmstat_" + name) != nil, "\(name)")
        }
    }
}
