/// `/proc/net/snmp` and `/proc/net/netstat`, which share a layout: for each protocol a line of field
/// names and then a line of values, both starting with "Proto:" (`Tcp: ActiveOpens …` / `Tcp: 1741 …`).
/// Every value is checked; `keeping` picks counters by their key `Proto_Field` before any String is made
/// for them (the three files hold ~400 counters, node_exporter's default exports ~40).
public struct NetSNMP: Sendable, Equatable {
    public struct Counter: Sendable, Equatable {
        public var proto: String
        public var field: String
        public var value: Double
    }

    public var counters: [Counter]

    public static func parse(
        _ bytes: [UInt8], file: String = "net/snmp", keeping keep: (ArraySlice<UInt8>) -> Bool = { _ in true }
    ) throws(ParseError) -> NetSNMP {
        let lines = ByteFields.lines(bytes[...])
        var counters: [Counter] = []
        var key: [UInt8] = []
        var index = 0
        func failure(_ line: Int, _ reason: String) -> ParseError {
            ParseError(file: file, line: line, reason: reason, text: ByteFields.text(lines[line - 1]))
        }
        while index < lines.count {
            guard index + 1 < lines.count else { throw failure(index + 1, "field names without a line of values") }
            var names = ByteTokens(lines[index]), values = ByteTokens(lines[index + 1])
            guard let label = names.next(), label.last == UInt8(ascii: ":"), values.next() == label else {
                throw failure(index + 2, "values do not match the names above")
            }
            var proto: String?
            var column = 1
            while true {
                let name = names.next(), valueField = values.next()
                guard let name, let valueField else {
                    if name == nil && valueField == nil { break }
                    throw failure(index + 2, "values do not match the names above")
                }
                column += 1
                guard let value = ByteFields.number(valueField) else {
                    throw failure(index + 2, "not a number in column \(column)")
                }
                key.removeAll(keepingCapacity: true)
                key.append(contentsOf: label.dropLast())
                key.append(UInt8(ascii: "_"))
                key.append(contentsOf: name)
                guard keep(key[...]) else { continue }
                if proto == nil { proto = ByteFields.text(label.dropLast()) }
                counters.append(Counter(proto: proto!, field: ByteFields.text(name), value: value))
            }
            index += 2
        }
        return NetSNMP(counters: counters)
    }
}
