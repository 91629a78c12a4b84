/// A /proc/sys file that holds one unsigned decimal number and a newline (`net/netfilter/nf_conntrack_max`).
public struct SysctlNumber: Sendable, Equatable {
    public var value: UInt64

    public static func parse(_ bytes: [UInt8], file: String) throws(ParseError) -> SysctlNumber {
        let line = ByteFields.lines(bytes[...]).first ?? []
        let fields = ByteFields.fields(line)
        guard fields.count == 1, let value = ByteFields.unsigned(fields[0]) else {
            throw ParseError(file: file, line: 1, reason: "expected one number", text: ByteFields.text(line))
        }
        return SysctlNumber(value: value)
    }
}
