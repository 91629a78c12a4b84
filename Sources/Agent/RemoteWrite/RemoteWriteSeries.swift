import API

/// One label of a remote-write series.
struct RemoteWriteLabel: Sendable, Hashable {
    var name: String
    var value: String
}

/// One sample: the value and the collection's own time, in milliseconds since the epoch.
struct RemoteWriteSample: Sendable, Equatable {
    var value: Double
    var timestampMs: Int64

    static func == (a: Self, b: Self) -> Bool {
        a.timestampMs == b.timestampMs && (a.value == b.value || (a.value.isNaN && b.value.isNaN))
    }
}

/// A series as remote write 1.0 sends it: labels sorted by name (`__name__` among them), samples in
/// timestamp order.
struct RemoteWriteSeries: Sendable, Equatable {
    var labels: [RemoteWriteLabel]
    var samples: [RemoteWriteSample]

    /// Every sample of a /metrics page as one series each, at `timestampMs`, with `extra` labels (job,
    /// instance, REMOTE_WRITE_LABELS) added where the series has no label of that name: a series' own
    /// label wins, as Prometheus's external labels let it. Empty values are left out, since Prometheus
    /// stores a scraped empty label as no label. A label set seen twice (two textfiles declaring the same
    /// series) keeps its first sample, as a Prometheus scrape does: the second would be a duplicate sample
    /// the receiver refuses with the whole request.
    static func collection(_ set: MetricSet, timestampMs: Int64, extra: [RemoteWriteLabel]) -> [RemoteWriteSeries] {
        var series: [RemoteWriteSeries] = []
        var seen: Set<[RemoteWriteLabel]> = []
        for family in set.sortedFamilies {
            let descriptor = family.descriptor
            for sample in family.samples {
                var labels = [RemoteWriteLabel(name: "__name__", value: descriptor.name + sample.suffix)]
                for (index, name) in descriptor.labels.enumerated() where !sample.labelValues[index].isEmpty {
                    labels.append(RemoteWriteLabel(name: name, value: sample.labelValues[index]))
                }
                if let label = sample.extraLabel, !label.value.isEmpty {
                    labels.append(RemoteWriteLabel(name: label.name, value: label.value))
                }
                for label in extra where !label.value.isEmpty && !labels.contains(where: { $0.name == label.name }) {
                    labels.append(label)
                }
                labels.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
                guard seen.insert(labels).inserted else { continue }
                series.append(RemoteWriteSeries(labels: labels, samples: [RemoteWriteSample(value: sample.value, timestampMs: timestampMs)]))
            }
        }
        return series
    }

    /// Series from several collections (oldest first) merged by label set, so each series' labels go
    /// once per request and its samples stay in timestamp order.
    static func merged(_ parts: [[RemoteWriteSeries]]) -> [RemoteWriteSeries] {
        var index: [[RemoteWriteLabel]: Int] = [:]
        var merged: [RemoteWriteSeries] = []
        for part in parts {
            for series in part {
                if let at = index[series.labels] {
                    merged[at].samples.append(contentsOf: series.samples)
                } else {
                    index[series.labels] = merged.count
                    merged.append(series)
                }
            }
        }
        for at in merged.indices where !merged[at].samples.isSorted {
            merged[at].samples.sort { $0.timestampMs < $1.timestampMs }
        }
        return merged
    }
}

extension [RemoteWriteSample] {
    fileprivate var isSorted: Bool { zip(self, dropFirst()).allSatisfy { $0.timestampMs <= $1.timestampMs } }
}
