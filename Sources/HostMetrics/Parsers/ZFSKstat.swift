/// A ZFS kstat file under /proc/spl/kstat/zfs (the SPL's kstat "named" format): a header line, then
/// `name type data`, then one `name type value` line per statistic, type 4 being a 64-bit unsigned
/// count and 7 a string. The pool `io` kstat is the "io" format instead: a line of field names starting
/// with `nread` and a line of their values.
public struct ZFSKstat: Sendable, Equatable {
    /// The named statistics in file order: name, kstat type, raw value.
    public var named: [(name: String, type: String, value: String)]

    public static func == (a: ZFSKstat, b: ZFSKstat) -> Bool {
        a.named.map { [$0.name, $0.type, $0.value] } == b.named.map { [$0.name, $0.type, $0.value] }
    }

    /// The named format; a file without the `name type data` line is not one.
    public static func parse(_ bytes: [UInt8], file: String) throws(ParseError) -> ZFSKstat {
        var named: [(String, String, String)] = []
        var started = false
        ByteFields.eachLine(bytes[...]) { line in
            let fields = ByteFields.fields(line)
            if !started {
                started = fields.count == 3 && fields.map(ByteFields.text) == ["name", "type", "data"]
            } else if fields.count >= 3 {
                named.append((ByteFields.text(fields[0]), ByteFields.text(fields[1]), ByteFields.text(fields[2])))
            }
            return true
        }
        guard started else { throw ParseError(file: file, line: 0, reason: "no `name type data` line") }
        return ZFSKstat(named: named)
    }

    /// The type-4 statistics as numbers, `-` in names made `_` as node_exporter names them.
    public func counts(file: String) throws(ParseError) -> [(name: String, value: UInt64)] {
        var out: [(String, UInt64)] = []
        for (name, type, value) in named where type == "4" {
            guard let number = UInt64(value) else {
                throw ParseError(file: file, line: 0, reason: "expected a number for \(name)", text: value)
            }
            out.append((name.replacing("-", with: "_"), number))
        }
        return out
    }

    /// The io format: each field name with its value, from every line after the `nread` header.
    public static func parseIO(_ bytes: [UInt8], file: String) throws(ParseError) -> [(name: String, value: UInt64)] {
        var names: [String]?
        var out: [(String, UInt64)] = []
        var failure: ParseError?
        ByteFields.eachLine(bytes[...]) { line in
            let fields = ByteFields.fields(line)
            guard let header = names else {
                if fields.count >= 12 && ByteFields.text(fields[0]) == "nread" { names = fields.map(ByteFields.text) }
                return true
            }
            guard fields.count >= header.count else {
                failure = ParseError(file: file, line: 0, reason: "expected \(header.count) values", text: ByteFields.text(line))
                return false
            }
            for (name, field) in zip(header, fields) {
                guard let value = ByteFields.unsigned(field) else {
                    failure = ParseError(file: file, line: 0, reason: "expected a number for \(name)", text: ByteFields.text(line))
                    return false
                }
                out.append((name, value))
            }
            return true
        }
        if let failure { throw failure }
        return out
    }
}
