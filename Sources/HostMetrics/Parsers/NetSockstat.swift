/// `/proc/net/sockstat` and `sockstat6`: a line per protocol of "key value" pairs
/// (`TCP: inuse 6 orphan 0 tw 41 alloc 6 mem 138`); the IPv4 file starts with `sockets: used N`.
public struct NetSockstat: Sendable, Equatable {
    public struct Proto: Sendable, Equatable {
        public var name: String
        /// In the kernel's order; which keys appear depends on the protocol (`mem` is in pages).
        public var pairs: [(key: String, value: Int64)]

        public func value(_ key: String) -> Int64? { pairs.first { $0.key == key }?.value }

        public static func == (a: Proto, b: Proto) -> Bool {
            a.name == b.name && a.pairs.map(\.key) == b.pairs.map(\.key) && a.pairs.map(\.value) == b.pairs.map(\.value)
        }
    }

    /// `sockets: used`: sockets of every family in use; only the IPv4 file has it.
    public var socketsUsed: Int64?
    public var protocols: [Proto]

    public static func parse(_ bytes: [UInt8], file: String = "net/sockstat") throws(ParseError) -> NetSockstat {
        var result = NetSockstat(socketsUsed: nil, protocols: [])
        var lineNumber = 0
        var failure: ParseError?
        ByteFields.eachLine(bytes[...]) { line in
            lineNumber += 1
            let fields = ByteFields.fields(line)
            guard fields.count >= 3, fields.count % 2 == 1, let label = fields.first, label.last == UInt8(ascii: ":") else {
                failure = ParseError(file: file, line: lineNumber, reason: "expected \"PROTO: key value …\"", text: ByteFields.text(line))
                return false
            }
            var pairs: [(key: String, value: Int64)] = []
            for at in stride(from: 1, to: fields.count, by: 2) {
                guard let value = ByteFields.signed(fields[at + 1]) else {
                    failure = ParseError(file: file, line: lineNumber, reason: "not a number", text: ByteFields.text(line))
                    return false
                }
                pairs.append((ByteFields.text(fields[at]), value))
            }
            let name = ByteFields.text(label.dropLast())
            if name == "sockets" {
                result.socketsUsed = pairs.first { $0.key == "used" }?.value
            } else {
                result.protocols.append(Proto(name: name, pairs: pairs))
            }
            return true
        }
        if let failure { throw failure }
        return result
    }
}
