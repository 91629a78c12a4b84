/// `/proc/vmstat`: one "name value" pair a line, the kernel's virtual-memory event counters and page
/// counts. Which names appear depends on the kernel version and its config, so they are kept as given;
/// `keeping` picks names before any String is made for them (a pass reads ~190 and exports ~7).
public struct VMStat: Sendable, Equatable {
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: Double
    }

    public var fields: [Field]

    public static func parse(
        _ bytes: [UInt8], keeping keep: (ArraySlice<UInt8>) -> Bool = { _ in true }
    ) throws(ParseError) -> VMStat {
        var fields: [Field] = []
        var lineNumber = 0
        var failure: ParseError?
        ByteFields.eachLine(bytes[...]) { line in
            lineNumber += 1
            // "name value": split by hand, since a field array per line costs more than the rest of the parse.
            let space = line.firstIndex { $0 == ByteFields.space || $0 == ByteFields.tab } ?? line.endIndex
            let name = line[..<space]
            let rest = line[space...].drop { $0 == ByteFields.space || $0 == ByteFields.tab }
            guard !name.isEmpty, let value = ByteFields.number(rest) else {
                failure = ParseError(file: "vmstat", line: lineNumber, reason: "expected a name and a number", text: ByteFields.text(line))
                return false
            }
            if keep(name) { fields.append(Field(name: ByteFields.text(name), value: value)) }
            return true
        }
        if let failure { throw failure }
        return VMStat(fields: fields)
    }
}
