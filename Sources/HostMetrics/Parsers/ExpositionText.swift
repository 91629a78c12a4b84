import API

/// A `*.prom` file: the Prometheus text exposition format, parsed and checked as node_exporter 1.5.0's
/// textfile collector reads it (expfmt's parser, then client_golang's checks when the samples are
/// gathered). Families keep the file's HELP and TYPE; a summary's or histogram's lines are gathered into
/// one series per label set, as expfmt does.
public struct ExpositionText: Sendable, Equatable {
    public var families: [Family]
    /// Whether any sample carried a timestamp. node_exporter skips such a file whole, as the collector does.
    public var hasTimestamps: Bool

    /// One family: its samples share a name (and a summary's or histogram's suffixes) and a type.
    public struct Family: Sendable, Equatable {
        public var name: String
        /// nil when the file gives none.
        public var help: String?
        public var type: MetricType
        public var series: [Series]
    }

    /// One label set of a family: a single value, or a summary's quantiles or a histogram's buckets with
    /// their sum and count (0 when the file leaves them out, as expfmt does).
    public struct Series: Sendable, Equatable {
        /// In file order, without the summary's `quantile` or the histogram's `le`.
        public var labels: [Label]
        public var value: Double = 0
        /// (quantile, value) or (upper bound, cumulative count), in file order.
        public var points: [Point] = []
        public var sum: Double = 0
        public var count: Double = 0
        /// The series' identity: its labels sorted, those with empty values left out (as PromQL sees them).
        public var key: String

        public init(labels: [Label], value: Double = 0, key: String? = nil) {
            self.labels = labels
            self.value = value
            self.key = key ?? ExpositionBuilder.key(labels)
        }
    }

    public struct Label: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    public struct Point: Sendable, Equatable {
        public var bound: Double
        public var value: Double
    }

    /// The parsed file, or the first problem in it, with its line (file "*.prom": the collector names the file).
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> ExpositionText {
        var builder = ExpositionBuilder(bytes: bytes)
        var offset = 0, line = 0
        while offset < bytes.count {
            line += 1
            let start = offset
            do {
                let scanned = try ExpositionLine.scan(bytes, at: offset)
                offset = scanned.next
                try builder.add(scanned.line)
            } catch let failure as ExpositionLine.Failure {
                throw ParseError(file: "*.prom", line: line, reason: failure.reason.description, text: lineText(bytes, start))
            } catch let failure as ExpositionBuilder.Failure {
                throw ParseError(file: "*.prom", line: line, reason: failure.reason, text: lineText(bytes, start))
            } catch {
                throw ParseError(file: "*.prom", line: line, reason: "\(error)")
            }
        }
        return ExpositionText(families: builder.families.filter { !$0.series.isEmpty }, hasTimestamps: builder.hasTimestamps)
    }

    private static func lineText(_ bytes: [UInt8], _ start: Int) -> String {
        let end = bytes[start...].firstIndex(of: ExpositionLine.newline) ?? bytes.count
        return ByteFields.text(bytes[start..<min(end, start + 200)])
    }
}
