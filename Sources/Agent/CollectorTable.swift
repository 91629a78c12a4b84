import HostMetrics

/// `--list-collectors`: the registry as a Markdown table, which the README carries (a test holds the two
/// equal), so the documentation's list of collectors is derived from the one list too.
enum CollectorTable {
    static func markdown(_ collectors: [CollectorInfo]) -> String {
        var lines = ["| collector | when | reads | exports |", "| --- | --- | --- | --- |"]
        for info in collectors {
            let reads = info.reads.map { "`\($0)`" }.joined(separator: ", ")
            let exports = info.exports.map { "`\($0)`" }.joined(separator: ", ")
            let when = info.cadence == .everyPass ? "every pass" : "when read"
            lines.append("| `\(info.name)` | \(when) | \(reads.replacing("|", with: "\\|")) | \(exports.replacing("|", with: "\\|")) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
