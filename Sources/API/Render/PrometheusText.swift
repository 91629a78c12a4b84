/// Whether a family counts up or goes up and down; Prometheus `# TYPE`. `untyped` is there because
/// node_exporter leaves some families untyped (vmstat's and netstat's fields, which mix counters and
/// gauges), and a drop-in must say the same. `summary` and `histogram` come only from textfiles, whose
/// samples carry their own suffixes (`_sum`, `_count`, `_bucket`) and `quantile`/`le` labels.
public enum MetricType: String, Sendable {
    case counter, gauge, untyped, summary, histogram

    /// OpenMetrics calls an untyped family `unknown`.
    var openMetricsName: String { self == .untyped ? "unknown" : rawValue }
}

/// A metric declared once: its name, help and type. Every renderer and document follows from this.
public struct MetricDescriptor: Sendable, Hashable {
    public let name: String
    public let help: String
    public let type: MetricType
    /// Label names, in the order samples give their values.
    public let labels: [String]

    public init(_ name: String, _ type: MetricType, _ help: String, labels: [String] = []) {
        self.name = name
        self.type = type
        self.help = help
        self.labels = labels
    }
}

/// The samples of one family on one snapshot.
public struct MetricFamily: Sendable {
    public let descriptor: MetricDescriptor
    public var samples: [Sample] = []

    /// One line of the family. A summary's or histogram's lines add a suffix to the name (`_sum`,
    /// `_count`, `_bucket`) and may carry one label beyond the family's (`quantile`, `le`), written last
    /// as client_golang writes it.
    public struct Sample: Sendable {
        public var labelValues: [String]
        public var value: Double
        public var suffix: String = ""
        public var extraLabel: (name: String, value: String)? = nil
    }
}

/// Collects samples by family, then renders the Prometheus text exposition format 0.0.4, families sorted
/// by name so the output is stable (node_exporter's order, and what golden files need).
public struct MetricSet {
    private var families: [MetricFamily] = []
    private var index: [String: Int] = [:]

    public init() {}

    public mutating func add(
        _ descriptor: MetricDescriptor, _ labelValues: [String] = [], _ value: Double?, suffix: String = "",
        extraLabel: (name: String, value: String)? = nil
    ) {
        guard let value else { return }
        precondition(labelValues.count == descriptor.labels.count, "labels of \(descriptor.name)")
        let sample = MetricFamily.Sample(labelValues: labelValues, value: value, suffix: suffix, extraLabel: extraLabel)
        if let at = index[descriptor.name] {
            families[at].samples.append(sample)
        } else {
            index[descriptor.name] = families.count
            families.append(MetricFamily(descriptor: descriptor, samples: [sample]))
        }
    }

    /// Whether a family of this name has samples already.
    public func contains(_ name: String) -> Bool { index[name] != nil }

    public mutating func add<T: BinaryInteger>(_ descriptor: MetricDescriptor, _ labelValues: [String] = [], _ value: T?) {
        add(descriptor, labelValues, value.map { Double($0) })
    }

    public var sortedFamilies: [MetricFamily] { families.sorted { $0.descriptor.name < $1.descriptor.name } }

    /// The Prometheus text format 0.0.4.
    public func renderText() -> [UInt8] { render(openMetrics: false) }

    /// OpenMetrics 1.0: a counter family is named without `_total` (its samples keep it), and the
    /// exposition ends with `# EOF`.
    public func renderOpenMetrics() -> [UInt8] { render(openMetrics: true) }

    private func render(openMetrics: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(families.count * 160)
        for family in sortedFamilies {
            let name = family.descriptor.name
            var familyName = name
            var type = openMetrics ? family.descriptor.type.openMetricsName : family.descriptor.type.rawValue
            if openMetrics && family.descriptor.type == .counter {
                // A textfile's counter may lack `_total`, which an OpenMetrics counter's samples must have.
                // Renaming it would store it under another name than node_exporter's text gives Prometheus
                // (node_exporter 1.5.0 never serves OpenMetrics), so it is declared `unknown` instead.
                if name.hasSuffix("_total") { familyName = String(name.dropLast(6)) } else { type = MetricType.untyped.openMetricsName }
            }
            // Appended piece by piece: an interpolated line is a String allocated and freed per line.
            out.append(contentsOf: "# HELP ".utf8)
            out.append(contentsOf: familyName.utf8)
            out.append(UInt8(ascii: " "))
            out.append(contentsOf: Self.escapeHelp(family.descriptor.help).utf8)
            out.append(contentsOf: "\n# TYPE ".utf8)
            out.append(contentsOf: familyName.utf8)
            out.append(UInt8(ascii: " "))
            out.append(contentsOf: type.utf8)
            out.append(UInt8(ascii: "\n"))
            for sample in family.samples {
                out.append(contentsOf: name.utf8)
                out.append(contentsOf: sample.suffix.utf8)
                Self.writeLabels(family.descriptor.labels, sample.labelValues, extra: sample.extraLabel, into: &out)
                out.append(UInt8(ascii: " "))
                Self.appendValue(sample.value, to: &out)
                out.append(UInt8(ascii: "\n"))
            }
        }
        if openMetrics { out.append(contentsOf: "# EOF\n".utf8) }
        return out
    }

    static func writeLabels(
        _ names: [String], _ values: [String], extra: (name: String, value: String)? = nil, into out: inout [UInt8]
    ) {
        guard !names.isEmpty || extra != nil else { return }
        out.append(UInt8(ascii: "{"))
        for (position, name) in names.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            writeLabel(name, values[position], into: &out)
        }
        if let extra {
            if !names.isEmpty { out.append(UInt8(ascii: ",")) }
            writeLabel(extra.name, extra.value, into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    private static func writeLabel(_ name: String, _ value: String, into out: inout [UInt8]) {
        out.append(contentsOf: name.utf8)
        out.append(contentsOf: "=\"".utf8)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\n"): out.append(contentsOf: "\\n".utf8)
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    static func appendValue(_ value: Double, to out: inout [UInt8]) {
        if value.isNaN { return out.append(contentsOf: "NaN".utf8) }
        if value.isInfinite { return out.append(contentsOf: (value > 0 ? "+Inf" : "-Inf").utf8) }
        NumberFormat.appendDecimal(value, to: &out)
    }

    // The text format escapes only backslash and newline in HELP.
    static func escapeHelp(_ help: String) -> String {
        // Every help text here is plain; searching twice per family per render showed in profiles.
        guard help.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\n") }) else { return help }
        // A loop of our own rather than String.replacing: that one is _StringProcessing's, whose code the
        // scrape would otherwise keep resident for this alone (scripts/orderfile's profile).
        var escaped: [UInt8] = []
        escaped.reserveCapacity(help.utf8.count + 8)
        for byte in help.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): escaped += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): escaped += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            default: escaped.append(byte)
            }
        }
        return String(decoding: escaped, as: UTF8.self)
    }
}
