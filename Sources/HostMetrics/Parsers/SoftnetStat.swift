/// `/proc/net/softnet_stat`: a line per online CPU of hexadecimal counters; the first three are packets
/// processed, packets dropped (the backlog queue was full) and times the receive softirq ran out of
/// budget with work left ("time squeezed"). Kernels have added columns over time, 9 at least since 2.6.
public struct SoftnetStat: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var processed: UInt64
        public var dropped: UInt64
        public var timeSqueezed: UInt64
    }

    public var rows: [Row]

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> SoftnetStat {
        var rows: [Row] = []
        var lineNumber = 0
        var failure: ParseError?
        ByteFields.eachLine(bytes[...]) { line in
            lineNumber += 1
            let columns = ByteFields.fields(line)
            guard columns.count >= 9, let processed = ByteFields.hex(columns[0]), let dropped = ByteFields.hex(columns[1]),
                let squeezed = ByteFields.hex(columns[2])
            else {
                failure = ParseError(
                    file: "net/softnet_stat", line: lineNumber, reason: "expected at least 9 hexadecimal columns",
                    text: ByteFields.text(line))
                return false
            }
            rows.append(Row(processed: processed, dropped: dropped, timeSqueezed: squeezed))
            return true
        }
        if let failure { throw failure }
        return SoftnetStat(rows: rows)
    }
}
