/// `/proc/net/stat/nf_conntrack`: a header of column names, then a line per CPU of hexadecimal counters.
/// Columns are found by name: kernels 5.x renamed `searched` to `clashres` and `delete_list` to
/// `chainlength` at the same positions, and the counters node_exporter reads kept their names.
public struct ConntrackStat: Sendable, Equatable {
    public var columns: [String]
    /// Each column summed over the CPUs, in the order of `columns`.
    public var totals: [UInt64]

    public func total(_ column: String) -> UInt64? { columns.firstIndex(of: column).map { totals[$0] } }

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> ConntrackStat {
        let file = "net/stat/nf_conntrack"
        let lines = ByteFields.lines(bytes[...])
        guard let header = lines.first else { throw ParseError(file: file, line: 0, reason: "empty") }
        let columns = ByteFields.fields(header).map { ByteFields.text($0) }
        var totals = [UInt64](repeating: 0, count: columns.count)
        for (offset, line) in lines.dropFirst().enumerated() {
            let fields = ByteFields.fields(line)
            guard fields.count == columns.count else {
                throw ParseError(file: file, line: offset + 2, reason: "expected \(columns.count) columns", text: ByteFields.text(line))
            }
            for (index, field) in fields.enumerated() {
                guard let value = ByteFields.hex(field) else {
                    throw ParseError(file: file, line: offset + 2, reason: "not hexadecimal", text: ByteFields.text(line))
                }
                totals[index] &+= value
            }
        }
        return ConntrackStat(columns: columns, totals: totals)
    }
}
