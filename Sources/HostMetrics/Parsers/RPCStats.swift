/// `/proc/net/rpc/nfs` (client) and `/proc/net/rpc/nfsd` (server), written by net/sunrpc/stats.c and
/// fs/nfsd/stats.c: one line per group, `<key> <count>…` (`net`, `rpc`, `rc`, `io`, …), and per NFS
/// version `procN <n> <count>×n`, one count per procedure in the protocol's order. The server's `th`
/// line carries floats after its first two numbers (old kernels' histogram), which are not read.
public struct RPCStats: Sendable, Equatable {
    public var lines: [String: [UInt64]]
    let file: String

    public static func parse(_ bytes: [UInt8], file: String) throws(ParseError) -> RPCStats {
        var lines: [String: [UInt64]] = [:]
        var number = 0
        var failure: ParseError?
        ByteFields.eachLine(bytes[...]) { line in
            number += 1
            let fields = ByteFields.fields(line)
            let key = fields.first.map { ByteFields.text($0) } ?? ""
            let numbers = key == "th" ? fields.dropFirst().prefix(2) : fields.dropFirst()
            let values = numbers.compactMap(ByteFields.unsigned)
            guard fields.count >= (key == "th" ? 3 : 2), values.count == numbers.count else {
                failure = ParseError(file: file, line: number, reason: "expected `key count…`", text: ByteFields.text(line))
                return false
            }
            lines[key] = values
            return true
        }
        if let failure { throw failure }
        return RPCStats(lines: lines, file: file)
    }

    /// A group's counts, which must be exactly `count` of them when the line is there; zeros when it is
    /// not (a kernel that dropped it, as 5.x dropped the read-ahead `ra` line), as procfs leaves them.
    public func values(_ key: String, count: Int) throws(ParseError) -> [UInt64] {
        guard let values = lines[key] else { return Array(repeating: 0, count: count) }
        guard values.count == count else {
            throw ParseError(file: file, line: 0, reason: "`\(key)` has \(values.count) counts where \(count) were expected")
        }
        return values
    }

    /// A `procN` line's per-procedure counts (after the `n`), at least `minimum` of them (the procedures
    /// a newer kernel added come after; a shorter line is padded with zeros when `pad` allows it).
    public func procedures(_ key: String, minimum: Int, pad: Bool = false) throws(ParseError) -> [UInt64] {
        guard let values = lines[key] else { return Array(repeating: 0, count: minimum) }
        guard let declared = values.first, Int(declared) == values.count - 1, pad || values.count - 1 >= minimum else {
            throw ParseError(file: file, line: 0, reason: "`\(key)` does not hold the \(minimum) or more counts it should")
        }
        let counts = Array(values.dropFirst())
        return counts.count >= minimum ? counts : counts + Array(repeating: 0, count: minimum - counts.count)
    }
}
