/// `/proc/loadavg`: "0.37 0.08 0.03 1/83 2903".
public struct LoadAvg: Sendable, Equatable {
    public var one, five, fifteen: Double

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> LoadAvg {
        let fields = ByteFields.fields(bytes[...].split(separator: ByteFields.newline).first ?? [])
        let values = fields.prefix(3).compactMap { Double(ByteFields.text($0)) }
        guard values.count == 3 else {
            throw ParseError(file: "loadavg", line: 1, reason: "expected three load averages",
                             text: ByteFields.text(bytes[...]))
        }
        return LoadAvg(one: values[0], five: values[1], fifteen: values[2])
    }
}
