import API

/// What the textfile collector found on one pass: the accepted files' families as they render (each with
/// its file's HELP and TYPE), the mtime of each file read, and whether any file failed.
public struct TextfileSection: SnapshotSection, Equatable {
    /// A family ready to render: one label list for all its lines (the union of its series' labels,
    /// sorted, a label a series lacks given as "", as node_exporter does), lines in node_exporter's order.
    public struct Family: Sendable, Equatable {
        public var descriptor: MetricDescriptor
        public var lines: [Line]
    }

    public struct Line: Sendable, Equatable {
        public var labelValues: [String]
        public var value: Double
        public var suffix: String = ""
        public var extraLabel: ExtraLabel?

        public static func == (a: Line, b: Line) -> Bool {
            a.labelValues == b.labelValues && a.suffix == b.suffix && a.extraLabel == b.extraLabel
                && (a.value == b.value || (a.value.isNaN && b.value.isNaN))
        }
    }

    /// A summary's `quantile` or a histogram's `le`.
    public struct ExtraLabel: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    public var families: [Family] = []
    /// Files read successfully, by path, with their mtime in whole seconds (node_exporter truncates).
    public var mtimes: [(path: String, seconds: Double)] = []
    public var scrapeError = false
    /// Why each refused file (or unreadable directory) was refused, by path: what `--check-config` prints.
    public var failures: [String: String] = [:]

    public init() {}

    static let mtime = MetricDescriptor(
        "node_textfile_mtime_seconds", .gauge, "When each textfile read successfully was last modified, in unixtime.",
        labels: ["file"])
    static let scrapeErrorFamily = MetricDescriptor(
        "node_textfile_scrape_error", .gauge, "1 if a textfile or its directory could not be read or parsed, else 0.")

    public func addMetrics(to set: inout MetricSet) {
        for family in families where !set.contains(family.descriptor.name) {
            for line in family.lines {
                set.add(
                    family.descriptor, line.labelValues, line.value, suffix: line.suffix,
                    extraLabel: line.extraLabel.map { ($0.name, $0.value) })
            }
        }
        for (path, seconds) in mtimes { set.add(Self.mtime, [path], seconds) }
        set.add(Self.scrapeErrorFamily, [], scrapeError ? 1 : 0)
    }

    public static func == (a: TextfileSection, b: TextfileSection) -> Bool {
        a.families == b.families && a.scrapeError == b.scrapeError && a.failures == b.failures && a.mtimes.elementsEqual(b.mtimes) { $0 == $1 }
    }

    /// The section alone in the Prometheus text format, as the page shows it.
    public func rendered() -> String {
        var set = MetricSet()
        addMetrics(to: &set)
        return String(decoding: set.renderText(), as: UTF8.self)
    }
}
