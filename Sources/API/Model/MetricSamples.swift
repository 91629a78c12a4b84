/// A section that is only samples: what most of node_exporter's collectors are (a kernel file's fields
/// under their names). The collector fills it on its pass; `/metrics` renders it as it is.
public struct MetricSamples: SnapshotSection {
    public struct Sample: Sendable {
        public var descriptor: MetricDescriptor
        public var labelValues: [String]
        public var value: Double
    }

    public private(set) var samples: [Sample] = []
    /// The few figures of this section a person reads in the JSON snapshot's `kernel` object, by name.
    public private(set) var summary: [(name: String, value: Double?)] = []

    public init() {}

    /// Shows `value` as `kernel.<name>` in `/api/v1/metrics`.
    public mutating func summarize(_ name: String, _ value: Double?) { summary.append((name, value)) }

    /// Summarizes this section's value of a family (its first sample).
    public mutating func summarize(_ name: String, family: String) { summarize(name, value(family)) }

    public mutating func add(_ descriptor: MetricDescriptor, _ labelValues: [String] = [], _ value: Double?) {
        guard let value else { return }
        precondition(labelValues.count == descriptor.labels.count, "labels of \(descriptor.name)")
        samples.append(Sample(descriptor: descriptor, labelValues: labelValues, value: value))
    }

    public mutating func add<T: BinaryInteger>(_ descriptor: MetricDescriptor, _ labelValues: [String] = [], _ value: T?) {
        add(descriptor, labelValues, value.map { Double($0) })
    }

    /// The value of the first sample of a family (with these labels, if given); for tests and JSON.
    public func value(_ name: String, _ labelValues: [String]? = nil) -> Double? {
        samples.first { $0.descriptor.name == name && (labelValues == nil || $0.labelValues == labelValues) }?.value
    }

    public func addMetrics(to set: inout MetricSet) {
        for sample in samples { set.add(sample.descriptor, sample.labelValues, sample.value) }
    }
}
