import API
import Foundation
import HostMetrics

/// What the kernel-counter collectors' tests share: one pass of a collector, the samples it wrote, and
/// throwaway /proc trees for the cases the captured host does not have.
enum KernelCounterFixtures {
    /// One pass; the section the collector wrote, which must be `MetricSamples`.
    static func samples(_ collector: any Collector) throws -> MetricSamples {
        var snapshot = Snapshot(sequence: 1, timestamp: 0, hostname: "fixture")
        try collector.collect(into: &snapshot, at: SampleInstant(monotonic: 1, wall: 1))
        guard let samples = snapshot.section(collector.name, as: MetricSamples.self) else { throw Missing.section(collector.name) }
        return samples
    }

    /// Each sample as `name{label="value",…} value`, sorted: what /metrics shows, minus HELP and TYPE.
    static func lines(_ samples: MetricSamples) -> [String] {
        samples.samples.map { sample in
            let labels = zip(sample.descriptor.labels, sample.labelValues).map { "\($0)=\"\($1)\"" }.joined(separator: ",")
            let value = sample.value.rounded() == sample.value && abs(sample.value) < 1e15
                ? String(Int64(sample.value)) : String(sample.value)
            return sample.descriptor.name + (labels.isEmpty ? "" : "{\(labels)}") + " " + value
        }.sorted()
    }

    /// A /proc tree under the temporary directory holding `files` (relative path to contents).
    static func tree(_ files: [String: String]) throws -> String {
        let root = FileManager.default.temporaryDirectory.path + "/kernel-counters-\(UUID().uuidString)"
        for (relative, contents) in files {
            let path = root + "/" + relative
            try FileManager.default.createDirectory(
                atPath: String(path[..<path.lastIndex(of: "/")!]), withIntermediateDirectories: true)
            try contents.write(toFile: path, atomically: true, encoding: .utf8)
        }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return root
    }

    static func remove(_ root: String) { try? FileManager.default.removeItem(atPath: root) }

    /// Whether node_exporter's default field regex matches `key` (Go's RE2 and ICU agree on these
    /// patterns: anchors, alternation, `?` and `.*`).
    static func matches(_ pattern: String, _ key: String) -> Bool {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.firstMatch(in: key, range: NSRange(key.startIndex..., in: key)) != nil
    }

    enum Missing: Error { case section(String) }
}
