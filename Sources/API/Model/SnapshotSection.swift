/// A collector's part of a snapshot: a frozen reading that knows which families it adds to `/metrics`.
/// Rendering happens when a page is asked for, not on every pass, so an unscraped agent pays for
/// parsing only; and a collector declares its section in its own files, so adding one touches no list
/// here.
public protocol SnapshotSection: Sendable {
    func addMetrics(to set: inout MetricSet)
    /// The figures of this section that `/api/v1/history`, the stream and the live page's charts show;
    /// most sections (every kernel counter) add none, so an hour of history stays small.
    func addHistory(to row: inout HistoryRow)
}

extension SnapshotSection {
    public func addHistory(to row: inout HistoryRow) {}
}

/// A section that the JSON snapshot (`/api/v1/metrics`) also shows, under a key of its own.
public protocol JSONSection: SnapshotSection {
    var jsonKey: String { get }
    func writeJSON(into json: inout JSONWriter)
}

/// One section of a snapshot, under the name of the collector that wrote it.
public struct NamedSection: Sendable {
    public var collector: String
    public var section: any SnapshotSection

    public init(collector: String, section: any SnapshotSection) {
        self.collector = collector
        self.section = section
    }
}
