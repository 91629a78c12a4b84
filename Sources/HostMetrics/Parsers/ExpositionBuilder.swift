import API

/// Turns scanned lines into families, with expfmt's rules for what lines mean together (one HELP and
/// one TYPE per family, TYPE before the family's first sample, `_sum`/`_count`/`_bucket` lines joining
/// the summary or histogram they extend) and client_golang's checks on what it gathers (no reserved or
/// repeated label names, no two samples for one series).
struct ExpositionBuilder {
    struct Failure: Error {
        let reason: String
    }

    private let bytes: [UInt8]
    private(set) var families: [ExpositionText.Family] = []
    private(set) var hasTimestamps = false
    private var typed: [Bool] = []
    private var byName: [String: Int] = [:]
    /// Per family: the series of each label set (empty values left out, as PromQL sees them).
    private var seriesByKey: [[String: Int]] = []
    /// Per family and series: which of `_sum` and `_count` were given already.
    private var sumCountSeen: [[(sum: Bool, count: Bool)]] = []

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private enum Role { case plain, sum, count }

    mutating func add(_ line: ExpositionLine) throws(Failure) {
        switch line {
        case .ignored:
            return
        case .help(let name, let text):
            let (family, _) = resolve(name)
            guard families[family].help == nil else { throw Failure(reason: "a second HELP line for \(families[family].name)") }
            families[family].help = Self.unescape(bytes[text]) ?? ByteFields.text(bytes[text])
        case .type(let name, let word):
            let (family, _) = resolve(name)
            guard !typed[family] else {
                throw Failure(reason: "a second TYPE line for \(families[family].name), or TYPE after its samples")
            }
            let spelled = ByteFields.text(bytes[word])
            guard let type = MetricType(rawValue: spelled.lowercased()) else { throw Failure(reason: "unknown metric type \"\(spelled)\"") }
            families[family].type = type
            typed[family] = true
        case .sample(let name, let labels, let value, let timestamp):
            if timestamp != nil { hasTimestamps = true }
            let (family, role) = resolve(name)
            typed[family] = true
            try addSample(family, role, labels, value)
        }
    }

    private mutating func addSample(_ family: Int, _ role: Role, _ labelRange: Range<Int>?, _ value: Double) throws(Failure) {
        let type = families[family].type
        let special = type == .summary ? "quantile" : type == .histogram ? "le" : nil
        let (labels, bound) = try decodeLabels(labelRange, special: special)
        let key = Self.key(labels)
        let known = seriesByKey[family][key]
        guard special != nil else {
            guard known == nil else { throw Failure(reason: "a second sample for the same series") }
            seriesByKey[family][key] = families[family].series.count
            families[family].series.append(ExpositionText.Series(labels: labels, value: value, key: key))
            return
        }
        let at = known ?? families[family].series.count
        if known == nil {
            seriesByKey[family][key] = at
            families[family].series.append(ExpositionText.Series(labels: labels, key: key))
            sumCountSeen[family].append((false, false))
        }
        switch role {
        case .sum:
            guard !sumCountSeen[family][at].sum else { throw Failure(reason: "a second _sum for the same series") }
            sumCountSeen[family][at].sum = true
            families[family].series[at].sum = value
        case .count:
            guard !sumCountSeen[family][at].count else { throw Failure(reason: "a second _count for the same series") }
            sumCountSeen[family][at].count = true
            families[family].series[at].count = Self.truncatedCount(value)
        case .plain:
            // expfmt keeps a summary's or histogram's line without quantile/le only as the series it names.
            guard let bound else { return }
            guard !families[family].series[at].points.contains(where: { $0.bound == bound }) else {
                throw Failure(reason: "a second sample for \(special!)=\"\(bound)\" of the same series")
            }
            let pointValue = type == .histogram ? Self.truncatedCount(value) : value
            families[family].series[at].points.append(ExpositionText.Point(bound: bound, value: pointValue))
        }
    }

    /// The labels of a sample in file order, and the value of the summary's `quantile` or the
    /// histogram's `le` (`special`), which is not one of them.
    private func decodeLabels(_ range: Range<Int>?, special: String?) throws(Failure) -> ([ExpositionText.Label], Double?) {
        var labels: [ExpositionText.Label] = []
        var bound: Double?
        var failure: Failure?
        guard let range else { return ([], nil) }
        ExpositionLine.eachLabel(bytes, range) { nameRange, valueRange in
            guard failure == nil else { return }
            let name = ByteFields.text(bytes[nameRange])
            guard let text = Self.unescape(bytes[valueRange]) else { return failure = Failure(reason: "label \(name) is not UTF-8") }
            if name.hasPrefix("__") {
                failure = Failure(reason: "label name \(name) is reserved (it starts with __)")
            } else if name == special {
                bound = ExpositionLine.float(Array(text.utf8), 0..<text.utf8.count)
                if bound == nil { failure = Failure(reason: "expected a float as the value of \(name)") }
            } else if labels.contains(where: { $0.name == name }) {
                failure = Failure(reason: "label \(name) is given twice")
            } else {
                labels.append(ExpositionText.Label(name: name, value: text))
            }
        }
        if let failure { throw failure }
        return (labels, bound)
    }

    /// The family a name belongs to: its own, or the summary or histogram it is the `_sum`, `_count` or
    /// `_bucket` of; a new family when neither exists yet.
    private mutating func resolve(_ range: Range<Int>) -> (Int, Role) {
        let name = ByteFields.text(bytes[range])
        if let known = byName[name] { return (known, .plain) }
        for (suffix, role, types) in Self.suffixes where name.utf8.count > suffix.utf8.count && name.hasSuffix(suffix) {
            if let base = byName[String(name.dropLast(suffix.count))], typed[base], types.contains(families[base].type) {
                return (base, role)
            }
        }
        byName[name] = families.count
        families.append(ExpositionText.Family(name: name, help: nil, type: .untyped, series: []))
        typed.append(false)
        seriesByKey.append([:])
        sumCountSeen.append([])
        return (families.count - 1, .plain)
    }

    private static let suffixes: [(String, Role, [MetricType])] = [
        ("_count", .count, [.summary, .histogram]), ("_sum", .sum, [.summary, .histogram]), ("_bucket", .plain, [.histogram]),
    ]

    /// A series' identity: its labels sorted, those with empty values left out.
    static func key(_ labels: [ExpositionText.Label]) -> String {
        labels.filter { !$0.value.isEmpty }.sorted { $0.name < $1.name }.map { "\($0.name)\u{0}\($0.value)" }
            .joined(separator: "\u{0}")
    }

    /// expfmt stores counts as uint64.
    private static func truncatedCount(_ value: Double) -> Double {
        value.isFinite && value >= 0 ? value.rounded(.towardZero) : value
    }

    /// HELP's escapes (`\\`, `\n`) or a label value's (also `\"`), already checked by the scanner; nil
    /// when the text is not UTF-8.
    static func unescape(_ escaped: ArraySlice<UInt8>) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(escaped.count)
        var index = escaped.startIndex
        while index < escaped.endIndex {
            var byte = escaped[index]
            if byte == UInt8(ascii: "\\") && index + 1 < escaped.endIndex {
                index += 1
                byte = escaped[index] == UInt8(ascii: "n") ? ExpositionLine.newline : escaped[index]
            }
            out.append(byte)
            index += 1
        }
        return String(validating: out, as: UTF8.self)
    }
}
