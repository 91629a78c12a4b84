/// `/proc/net/snmp6`: one "name value" pair a line, the protocol glued to the field
/// (`Ip6InReceives`, `Icmp6InErrors`, `UdpLite6InDatagrams`). The protocol is the name up to and including
/// its first "6", as node_exporter splits it; a name without a "6" has no protocol and is skipped.
/// `keeping` picks counters by their key `Proto_Field`, as `NetSNMP.parse` does.
public struct NetSNMP6: Sendable, Equatable {
    public var counters: [NetSNMP.Counter]

    public static func parse(
        _ bytes: [UInt8], keeping keep: (ArraySlice<UInt8>) -> Bool = { _ in true }
    ) throws(ParseError) -> NetSNMP6 {
        var counters: [NetSNMP.Counter] = []
        var key: [UInt8] = []
        var lineNumber = 0
        var failure: ParseError?
        ByteFields.eachLine(bytes[...]) { line in
            lineNumber += 1
            var tokens = ByteTokens(line)
            guard let name = tokens.next(), let valueField = tokens.next(), tokens.next() == nil,
                let value = ByteFields.number(valueField)
            else {
                failure = ParseError(
                    file: "net/snmp6", line: lineNumber, reason: "expected a name and a number", text: ByteFields.text(line))
                return false
            }
            guard let six = name.firstIndex(of: UInt8(ascii: "6")) else { return true }
            key.removeAll(keepingCapacity: true)
            key.append(contentsOf: name[...six])
            key.append(UInt8(ascii: "_"))
            key.append(contentsOf: name[(six + 1)...])
            if keep(key[...]) {
                counters.append(
                    NetSNMP.Counter(
                        proto: ByteFields.text(name[...six]), field: ByteFields.text(name[(six + 1)...]), value: value))
            }
            return true
        }
        if let failure { throw failure }
        return NetSNMP6(counters: counters)
    }
}
