/// A kernel file that holds one decimal number and a newline: /proc/sys/kernel/random/entropy_avail and
/// poolsize, selinuxfs's enforce.
public struct SingleNumber: Sendable, Equatable {
    public var value: Int64

    public init(_ value: Int64) { self.value = value }

    public static func parse(_ bytes: [UInt8], file: String) throws(ParseError) -> SingleNumber {
        let fields = ByteFields.fields(bytes[...].split(separator: ByteFields.newline).first ?? [])
        guard fields.count == 1, let value = ByteFields.signed(fields[0]) else {
            throw ParseError(file: file, line: 1, reason: "expected one number", text: ByteFields.text(bytes[...]))
        }
        return SingleNumber(value)
    }
}
