import API
import Foundation
import HostMetrics
import Testing

/// The fixture trees under Fixtures/node, written from the kernel's documented formats for hardware
/// this machine lacks, and what the tests compare a collector's samples by.
enum NodeFixture {
    static func roots(_ collector: String) -> HostRoots {
        let base = Fixtures.directory + "/node/" + collector
        return HostRoots(proc: base + "/proc", sys: base + "/sys", rootfs: base + "/rootfs")
    }

    /// Roots where nothing exists: what a host without the hardware (or the module) looks like.
    static var absent: HostRoots {
        let base = Fixtures.directory + "/node/absent-\(UUID().uuidString)"
        return HostRoots(proc: base + "/proc", sys: base + "/sys", rootfs: base + "/rootfs")
    }

    /// Roots with /proc and /sys present but empty.
    static func empty() throws -> (roots: HostRoots, remove: () -> Void) {
        let base = FileManager.default.temporaryDirectory.path + "/empty-\(UUID().uuidString)"
        for tree in ["proc", "sys", "rootfs"] {
            try FileManager.default.createDirectory(atPath: base + "/" + tree, withIntermediateDirectories: true)
        }
        return (HostRoots(proc: base + "/proc", sys: base + "/sys", rootfs: base + "/rootfs"),
                { try? FileManager.default.removeItem(atPath: base) })
    }

    /// One pass of the collector; its section, which must be samples.
    static func collect(_ collector: any Collector) throws -> MetricSamples {
        var snapshot = Snapshot(sequence: 1, timestamp: 0, hostname: "fixture")
        try collector.collect(into: &snapshot, at: SampleInstant(monotonic: 1, wall: 1))
        return try #require(snapshot.section(collector.name, as: MetricSamples.self))
    }
}

extension MetricSamples {
    /// Every sample as `name{label="value",…}` → value, for comparing a whole section at once.
    var series: [String: Double] {
        var out: [String: Double] = [:]
        for sample in samples {
            let labels = zip(sample.descriptor.labels, sample.labelValues).map { "\($0)=\"\($1)\"" }.joined(separator: ",")
            let key = sample.descriptor.name + (labels.isEmpty ? "" : "{\(labels)}")
            #expect(out[key] == nil, "\(key) appears twice")
            out[key] = sample.value
        }
        return out
    }

    /// Each family's type, by name; a family given two types is recorded as an issue.
    var types: [String: MetricType] {
        var out: [String: MetricType] = [:]
        for sample in samples {
            if let known = out[sample.descriptor.name], known != sample.descriptor.type {
                Issue.record("\(sample.descriptor.name) has two types")
            }
            out[sample.descriptor.name] = sample.descriptor.type
        }
        return out
    }
}

/// Compares two series maps and names each difference, so a failure says which sample is off.
func expectSeries(_ actual: [String: Double], _ expected: [String: Double], sourceLocation: SourceLocation = #_sourceLocation) {
    for (key, value) in expected.sorted(by: { $0.key < $1.key }) {
        #expect(actual[key] == value, "\(key)", sourceLocation: sourceLocation)
    }
    let extra = Set(actual.keys).subtracting(expected.keys).sorted()
    #expect(extra.isEmpty, "unexpected samples \(extra)", sourceLocation: sourceLocation)
}
