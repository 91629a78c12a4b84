import API

/// Decides what of the parsed textfiles goes onto the page, apart from any file reading: files in path
/// order, each accepted whole or refused whole. A file is refused when it failed to read or parse, has
/// timestamps (node_exporter refuses those too), names a family the agent exports itself, gives a family
/// another TYPE than an earlier file, repeats a series an earlier file has, or has samples whose names
/// another family's render as (a summary `x` and a family `x_sum`).
enum TextfileMerge {
    /// One `*.prom` file as the collector found it.
    struct Input {
        var path: String
        var mtimeSeconds: Double
        var parsed: Result<ExpositionText, FileFailure>
    }

    /// Why a file was refused, as logged.
    struct FileFailure: Error, Equatable {
        var reason: String
    }

    private struct Accepted {
        var family: ExpositionText.Family
        var files: [String]
        var keys: Set<String>
    }

    static func merge(_ inputs: [Input], isAgentFamily: (String) -> Bool) -> (
        section: TextfileSection, failures: [String: String]
    ) {
        var accepted: [String: Accepted] = [:]
        var owners: [String: String] = [:]  // sample name -> family name
        var section = TextfileSection()
        var failures: [String: String] = [:]
        for input in inputs {
            let text: ExpositionText
            switch input.parsed {
            case .failure(let failure):
                failures[input.path] = failure.reason
                continue
            case .success(let parsed):
                text = parsed
            }
            var fileOwners = owners
            var refusal: String? = text.hasTimestamps ? "samples carry timestamps, which node_exporter refuses too; file skipped" : nil
            for family in text.families where refusal == nil {
                refusal = check(family, accepted[family.name], &fileOwners, isAgentFamily)
            }
            if let refusal {
                failures[input.path] = refusal
                continue
            }
            owners = fileOwners
            for family in text.families {
                var entry = accepted[family.name] ?? Accepted(family: family, files: [], keys: [])
                if entry.files.isEmpty {
                    entry.family.series = []
                }
                entry.family.help = entry.family.help ?? family.help
                entry.family.series += family.series
                entry.files.append(input.path)
                for series in family.series { entry.keys.insert(series.key) }
                accepted[family.name] = entry
            }
            section.mtimes.append((input.path, input.mtimeSeconds))
        }
        section.families = accepted.keys.sorted().map { render(accepted[$0]!) }
        section.mtimes.sort { $0.path < $1.path }
        section.scrapeError = !failures.isEmpty
        return (section, failures)
    }

    private static func check(
        _ family: ExpositionText.Family, _ earlier: Accepted?, _ owners: inout [String: String], _ isAgentFamily: (String) -> Bool
    ) -> String? {
        let names = sampleNames(family)
        if let taken = names.first(where: isAgentFamily) {
            return "\(taken) is a family the agent exports itself"
        }
        for name in names {
            if let owner = owners[name], owner != family.name { return "\(name) is also a sample of family \(owner)" }
            owners[name] = family.name
        }
        guard let earlier else { return nil }
        if earlier.family.type != family.type {
            return "\(family.name) is a \(family.type.rawValue) here but a \(earlier.family.type.rawValue) in \(earlier.files[0])"
        }
        if family.series.contains(where: { earlier.keys.contains($0.key) }) {
            return "a series of \(family.name) is also in \(earlier.files[0])"
        }
        return nil
    }

    static func sampleNames(_ family: ExpositionText.Family) -> [String] {
        switch family.type {
        case .summary: return [family.name, family.name + "_sum", family.name + "_count"]
        case .histogram: return [family.name, family.name + "_bucket", family.name + "_sum", family.name + "_count"]
        default: return [family.name]
        }
    }

    private static func render(_ entry: Accepted) -> TextfileSection.Family {
        let family = entry.family
        let labelNames = Set(family.series.flatMap { $0.labels.map(\.name) }).sorted()
        let help = family.help ?? "Read from textfile \(entry.files.joined(separator: ", "))."
        let descriptor = MetricDescriptor(family.name, family.type, help, labels: labelNames)
        let rows = family.series.map { series in
            (values: labelNames.map { name in series.labels.first { $0.name == name }?.value ?? "" }, series: series)
        }.sorted { $0.values.lexicographicallyPrecedes($1.values) { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
        var lines: [TextfileSection.Line] = []
        for (values, series) in rows {
            switch family.type {
            case .summary, .histogram:
                let isHistogram = family.type == .histogram
                let labelName = isHistogram ? "le" : "quantile"
                var points = series.points.sorted { $0.bound < $1.bound }
                if isHistogram && !points.contains(where: { $0.bound == .infinity }) {
                    points.append(ExpositionText.Point(bound: .infinity, value: series.count))
                }
                for point in points {
                    lines.append(
                        TextfileSection.Line(
                            labelValues: values, value: point.value, suffix: isHistogram ? "_bucket" : "",
                            extraLabel: TextfileSection.ExtraLabel(name: labelName, value: GoFloat.format(point.bound))))
                }
                lines.append(TextfileSection.Line(labelValues: values, value: series.sum, suffix: "_sum"))
                lines.append(TextfileSection.Line(labelValues: values, value: series.count, suffix: "_count"))
            default:
                lines.append(TextfileSection.Line(labelValues: values, value: series.value))
            }
        }
        return TextfileSection.Family(descriptor: descriptor, lines: lines)
    }
}
