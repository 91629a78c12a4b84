/// `/proc/uptime`: seconds since boot, the clock /proc/PID/stat start times count on.
public struct Uptime: Sendable, Equatable {
    public var seconds: Double

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> Uptime {
        let text = ByteFields.text(bytes.prefix { $0 != ByteFields.space && $0 != ByteFields.newline }[...])
        guard let seconds = Double(text) else {
            throw ParseError(file: "uptime", line: 1, reason: "expected seconds since boot", text: text)
        }
        return Uptime(seconds: seconds)
    }
}
