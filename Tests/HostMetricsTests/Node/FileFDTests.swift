import API
import Testing

@testable import HostMetrics

@Suite struct FileFDTests {
    @Test func fileNrParses() throws {
        #expect(try FileNr.parse(Array("867\t0\t2466177\n".utf8)) == FileNr(allocated: 867, maximum: 2_466_177))
        #expect(throws: ParseError.self) { try FileNr.parse(Array("867\t0\n".utf8)) }
        #expect(throws: ParseError.self) { try FileNr.parse(Array("a\t0\t1\n".utf8)) }
    }

    @Test func capturedHostExportsBothFamilies() throws {
        var snapshot = Snapshot(sequence: 1, timestamp: 0, hostname: "fixture")
        try FileFDCollector(proc: Fixtures.host.proc).collect(into: &snapshot, at: SampleInstant(monotonic: 1, wall: 1))
        let samples = try #require(snapshot.section("filefd", as: MetricSamples.self))
        let captured = try FileNr.parse(try Fixtures.bytes("host/proc/sys/fs/file-nr"))
        #expect(samples.value("node_filefd_allocated") == Double(captured.allocated))
        #expect(samples.value("node_filefd_maximum") == Double(captured.maximum))
        #expect(captured.maximum > 0)
    }
}
