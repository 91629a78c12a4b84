import API
import Testing

@testable import HostMetrics

@Suite struct EntropyTests {
    static func collect(proc: String) throws -> MetricSamples? {
        var snapshot = Snapshot(sequence: 1, timestamp: 0, hostname: "fixture")
        try EntropyCollector(proc: FileTree(root: proc)).collect(into: &snapshot, at: SampleInstant(monotonic: 1, wall: 1))
        return snapshot.section("entropy", as: MetricSamples.self)
    }

    @Test func singleNumberFilesParse() throws {
        #expect(try SingleNumber.parse(Array("256\n".utf8), file: "f") == SingleNumber(256))
        #expect(try SingleNumber.parse(Array("-1".utf8), file: "f") == SingleNumber(-1))
        #expect(throws: ParseError(file: "f", line: 1, reason: "expected one number", text: "12 34\n")) {
            try SingleNumber.parse(Array("12 34\n".utf8), file: "f")
        }
        #expect(throws: ParseError.self) { try SingleNumber.parse([], file: "f") }
    }

    @Test func capturedHostExportsBothFamilies() throws {
        let samples = try #require(try Self.collect(proc: Fixtures.host.proc.root))
        let available = try SingleNumber.parse(try Fixtures.bytes("host/proc/sys/kernel/random/entropy_avail"), file: "")
        let pool = try SingleNumber.parse(try Fixtures.bytes("host/proc/sys/kernel/random/poolsize"), file: "")
        #expect(samples.value("node_entropy_available_bits") == Double(available.value))
        #expect(samples.value("node_entropy_pool_size_bits") == Double(pool.value))
        #expect(pool.value > 0)
    }

    @Test func noRandomDirectoryIsAnEmptySection() throws {
        #expect(try Self.collect(proc: Fixtures.directory + "/node/entropy/none")?.samples.isEmpty == true)
    }
}
