/// `/proc/vmstat`: one "name value" pair a line, the kernel's virtual-memory event counters and page
/// counts. Which names appear depends on the kernel version and its config, so they are kept as given.
public struct VMStat: Sendable, Equatable {
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: Double
    }

    public var fields: [Field]

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> VMStat {
        var fields: [Field] = []
        var lineNumber = 0
        var failure: ParseError?
        ByteFields.eachLine(bytes[...]) { line in
            lineNumber += 1
            let parts = ByteFields.fields(line)
            guard parts.count == 2, let value = ByteFields.number(parts[1]) else {
                failure = ParseError(file: "vmstat", line: lineNumber, reason: "expected a name and a number", text: ByteFields.text(line))
                return false
            }
            fields.append(Field(name: ByteFields.text(parts[0]), value: value))
            return true
        }
        if let failure { throw failure }
        return VMStat(fields: fields)
    }
}
