import API
import Testing

@testable import Agent

/// Remote write's encoding, without a network: the series a /metrics page becomes, the protobuf, snappy.
@Suite struct RemoteWriteTests {
    static let load = MetricDescriptor("node_load1", .gauge, "1m load average.")
    static let cpu = MetricDescriptor("node_cpu_seconds_total", .counter, "CPU time.", labels: ["cpu", "mode"])
    static let info = MetricDescriptor("node_uname_info", .gauge, "uname.", labels: ["sysname", "domainname"])

    func page() -> MetricSet {
        var set = MetricSet()
        set.add(Self.cpu, ["0", "user"], 12.5)
        set.add(Self.load, [], 0.25)
        set.add(Self.info, ["Linux", ""], 1)
        return set
    }

    @Test func everySampleBecomesASeriesWithSortedLabelsTheCollectionsTimeAndTheExtraLabels() {
        let extra = [RemoteWriteLabel(name: "job", value: "node"), RemoteWriteLabel(name: "instance", value: "web-1"),
                     RemoteWriteLabel(name: "cpu", value: "not-this")]
        let series = RemoteWriteSeries.collection(page(), timestampMs: 1_700_000_000_123, extra: extra)
        #expect(series.count == 3)
        #expect(series[0].labels.map(\.name) == ["__name__", "cpu", "instance", "job", "mode"])
        #expect(series[0].labels.first { $0.name == "cpu" }?.value == "0", "a series' own label wins over an extra one")
        #expect(series[0].samples == [RemoteWriteSample(value: 12.5, timestampMs: 1_700_000_000_123)])
        #expect(series[1].labels.map(\.value) == ["node_load1", "not-this", "web-1", "node"])
        #expect(!series[2].labels.contains { $0.name == "domainname" }, "an empty value is no label, as Prometheus stores it")
    }

    @Test func aSeriesGivenTwiceInOneCollectionKeepsItsFirstSample() {
        var set = page()
        set.add(Self.load, [], 9)
        let series = RemoteWriteSeries.collection(set, timestampMs: 1, extra: [])
        #expect(series.filter { $0.labels[0].value == "node_load1" }.map(\.samples) == [[RemoteWriteSample(value: 0.25, timestampMs: 1)]])
    }

    @Test func collectionsMergeBySeriesWithSamplesInTimestampOrder() {
        let first = RemoteWriteSeries.collection(page(), timestampMs: 1000, extra: [])
        let second = RemoteWriteSeries.collection(page(), timestampMs: 2000, extra: [])
        let merged = RemoteWriteSeries.merged([Array(first.prefix(2)), second, Array(first.suffix(1))])
        #expect(merged.count == 3)
        #expect(merged.allSatisfy { $0.samples.map(\.timestampMs) == [1000, 2000] }, "\(merged)")
    }

    @Test func theProtobufRoundTripsAndLeavesDefaultsOut() throws {
        let series = [
            RemoteWriteSeries(
                labels: [RemoteWriteLabel(name: "__name__", value: "x"), RemoteWriteLabel(name: "é", value: "ü\u{1F600}")],
                samples: [RemoteWriteSample(value: -1.5, timestampMs: 1_700_000_000_000), RemoteWriteSample(value: .nan, timestampMs: -5),
                          RemoteWriteSample(value: 0, timestampMs: 0), RemoteWriteSample(value: .infinity, timestampMs: Int64.max)]),
            RemoteWriteSeries(labels: [], samples: []),
        ]
        let bytes = RemoteWriteProtobuf.encode(series)
        #expect(try RemoteWriteProtobuf.decode(bytes) == series)
        // One label {name "a", value "b"} and one sample {0, 0}: the zero sample is an empty message.
        let tiny = RemoteWriteProtobuf.encode([RemoteWriteSeries(labels: [RemoteWriteLabel(name: "a", value: "b")], samples: [RemoteWriteSample(value: 0, timestampMs: 0)])])
        #expect(tiny == [0x0A, 0x0A, 0x0A, 0x06, 0x0A, 0x01, 0x61, 0x12, 0x01, 0x62, 0x12, 0x00])
    }

    @Test func aTruncatedOrGarbledRequestIsAnErrorNotACrash() {
        let bytes = RemoteWriteProtobuf.encode(RemoteWriteSeries.collection(page(), timestampMs: 5, extra: []))
        for cut in 1..<bytes.count {
            // Any prefix either decodes (a cut between whole series) or is reported malformed.
            if let decoded = try? RemoteWriteProtobuf.decode(Array(bytes.prefix(cut))) { #expect(decoded.count < 3) }
        }
        #expect(throws: RemoteWriteProtobuf.Malformed.self) { try RemoteWriteProtobuf.decode([0x0A, 0xFF]) }
        #expect(throws: RemoteWriteProtobuf.Malformed.self) { try RemoteWriteProtobuf.decode([0x0B]) }
    }

    @Test func snappyRoundTripsAndRefusesGarbage() throws {
        let input = Array(String(repeating: "node_cpu_seconds_total{cpu=\"0\"} ", count: 200).utf8)
        let compressed = try Snappy.compress(input)
        #expect(compressed.count < input.count / 5)
        #expect(Snappy.uncompress(compressed[...]) == input)
        #expect(Snappy.uncompress([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F][...]) == nil)
    }

    @Test func labelsAreParsedAndCheckedNamingWhatIsWrong() throws {
        #expect(try RemoteWriteSettings.parseLabels("").get() == [])
        #expect(try RemoteWriteSettings.parseLabels(" dc = fra1 ,team=infra").get()
            == [RemoteWriteLabel(name: "dc", value: "fra1"), RemoteWriteLabel(name: "team", value: "infra")])
        for bad in ["dc", "=x", "1dc=x", "__name__=x", "dc=x,dc=y", "dc=", "d-c=x", "dc=x,", "a=\u{7}"] {
            guard case .failure(let error) = RemoteWriteSettings.parseLabels(bad) else {
                Issue.record("\(bad) was accepted")
                continue
            }
            #expect(!error.reason.isEmpty)
        }
    }
}
