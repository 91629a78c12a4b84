/// `/proc/net/arp`: a header, then one neighbour a line ("IP address, HW type, Flags, HW address, Mask,
/// Device"), counted here per device, the last column.
public struct NetARP: Sendable, Equatable {
    /// Devices in the order they first appear, with how many entries each has.
    public var entries: [(device: String, count: Int)]

    public static func == (a: NetARP, b: NetARP) -> Bool {
        a.entries.map(\.device) == b.entries.map(\.device) && a.entries.map(\.count) == b.entries.map(\.count)
    }

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> NetARP {
        var entries: [(device: String, count: Int)] = []
        var index: [String: Int] = [:]
        for (offset, line) in ByteFields.lines(bytes[...]).enumerated() {
            let columns = ByteFields.fields(line)
            guard columns.count >= 6 else {
                throw ParseError(file: "net/arp", line: offset + 1, reason: "expected 6 columns", text: ByteFields.text(line))
            }
            if offset == 0 && columns[0].elementsEqual("IP".utf8) { continue }
            let device = ByteFields.text(columns[columns.count - 1])
            if let at = index[device] {
                entries[at].count += 1
            } else {
                index[device] = entries.count
                entries.append((device, 1))
            }
        }
        return NetARP(entries: entries)
    }
}
