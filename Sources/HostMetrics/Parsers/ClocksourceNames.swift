/// `available_clocksource` or `current_clocksource` of /sys/devices/system/clocksource/clocksourceN: clock
/// source names separated by spaces (the current file holds one).
public struct ClocksourceNames: Sendable, Equatable {
    public var names: [String]

    public init(_ names: [String]) { self.names = names }

    public static func parse(_ bytes: [UInt8], file: String) throws(ParseError) -> ClocksourceNames {
        let names = ByteFields.lines(bytes[...]).flatMap(ByteFields.fields).map(ByteFields.text)
        guard !names.isEmpty else { throw ParseError(file: file, line: 0, reason: "no clock source named") }
        return ClocksourceNames(names)
    }
}
