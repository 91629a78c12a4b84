/// `/proc/net/snmp` and `/proc/net/netstat`, which share a layout: for each protocol a line of field
/// names and then a line of values, both starting with "Proto:" (`Tcp: ActiveOpens …` / `Tcp: 1741 …`).
public struct NetSNMP: Sendable, Equatable {
    public struct Counter: Sendable, Equatable {
        public var proto: String
        public var field: String
        public var value: Double
    }

    public var counters: [Counter]

    public static func parse(_ bytes: [UInt8], file: String = "net/snmp") throws(ParseError) -> NetSNMP {
        let lines = ByteFields.lines(bytes[...])
        var counters: [Counter] = []
        var index = 0
        while index < lines.count {
            let names = ByteFields.fields(lines[index])
            guard index + 1 < lines.count else {
                throw ParseError(file: file, line: index + 1, reason: "field names without a line of values", text: ByteFields.text(lines[index]))
            }
            let values = ByteFields.fields(lines[index + 1])
            guard let label = names.first, label.last == UInt8(ascii: ":"), values.first == label,
                values.count == names.count
            else {
                throw ParseError(file: file, line: index + 2, reason: "values do not match the names above", text: ByteFields.text(lines[index + 1]))
            }
            let proto = ByteFields.text(label.dropLast())
            for column in 1..<names.count {
                guard let value = ByteFields.number(values[column]) else {
                    throw ParseError(file: file, line: index + 2, reason: "not a number in column \(column + 1)", text: ByteFields.text(lines[index + 1]))
                }
                counters.append(Counter(proto: proto, field: ByteFields.text(names[column]), value: value))
            }
            index += 2
        }
        return NetSNMP(counters: counters)
    }
}
