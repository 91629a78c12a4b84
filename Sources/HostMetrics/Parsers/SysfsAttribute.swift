/// A sysfs attribute file: one value, newline-terminated (Documentation/filesystems/sysfs.rst). What
/// node_exporter reads through procfs's `SysReadFile` (whitespace trimmed) and `ReadUintFromFile`.
enum SysfsAttribute {
    /// The value with surrounding ASCII whitespace trimmed; bytes that are not UTF-8 become U+FFFD, as
    /// node_exporter's `ToValidUTF8` makes them for label values.
    static func text(_ bytes: [UInt8]) -> String {
        ByteFields.text(trimmed(bytes[...]))
    }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, isSpace(first) { slice = slice.dropFirst() }
        while let last = slice.last, isSpace(last) { slice = slice.dropLast() }
        return slice
    }

    static func unsigned(_ bytes: [UInt8], file: String) throws(ParseError) -> UInt64 {
        guard let value = ByteFields.unsigned(trimmed(bytes[...])) else {
            throw ParseError(file: file, line: 1, reason: "expected an unsigned number", text: text(bytes))
        }
        return value
    }

    static func signed(_ bytes: [UInt8], file: String) throws(ParseError) -> Int64 {
        guard let value = ByteFields.signed(trimmed(bytes[...])) else {
            throw ParseError(file: file, line: 1, reason: "expected a number", text: text(bytes))
        }
        return value
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == ByteFields.space || byte == ByteFields.tab || byte == ByteFields.newline || byte == 13 || byte == 11
            || byte == 12
    }
}
