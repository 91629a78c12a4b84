/// `/proc/net/dev`: 8 receive and 8 transmit counters per interface, after two header lines.
public struct NetDev: Sendable, Equatable {
    public struct Interface: Sendable, Equatable {
        public var name: String
        /// bytes packets errs drop fifo frame compressed multicast
        public var receive: [UInt64]
        /// bytes packets errs drop fifo colls carrier compressed
        public var transmit: [UInt64]
    }

    public var interfaces: [Interface]

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> NetDev {
        var interfaces: [Interface] = []
        for (number, line) in ByteFields.lines(bytes[...]).enumerated() where number >= 2 {
            // "  eth0: 123 ..." but also "eth0:123" when the byte count is wide, so split at the colon.
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                throw ParseError(file: "net/dev", line: number + 1, reason: "no colon after the interface name",
                                 text: ByteFields.text(line))
            }
            let values = ByteFields.fields(line[(colon + 1)...]).compactMap(ByteFields.unsigned)
            guard values.count == 16 else {
                throw ParseError(file: "net/dev", line: number + 1, reason: "expected 16 counters",
                                 text: ByteFields.text(line))
            }
            let name = ByteFields.text(line[..<colon]).filter { $0 != " " }
            interfaces.append(Interface(name: name, receive: Array(values[0..<8]), transmit: Array(values[8..<16])))
        }
        return NetDev(interfaces: interfaces)
    }
}
