/// `/etc/os-release` (or `/usr/lib/os-release`): `KEY=value` lines in shell syntax, os-release(5). Values may
/// be unquoted, 'single quoted' (literal) or "double quoted" with backslash escapes for `$ " \ \``; `#`
/// starts a comment where a shell word could start; blank lines are ignored.
public struct OSRelease: Sendable, Equatable {
    public var fields: [String: String]

    public init(_ fields: [String: String]) { self.fields = fields }

    /// A field's value, empty when the file does not set it (node_exporter's labels are then empty).
    public subscript(key: String) -> String { fields[key] ?? "" }

    /// node_exporter's node_os_version: the leading `major.minor` digits of VERSION_ID ("22.04.3" → 22.04),
    /// `nil` when there are none or they make zero (a rolling release, VERSION_ID absent).
    public var versionNumber: Double? {
        let id = Array(self["VERSION_ID"].utf8)
        var end = id.prefix(while: Self.isDigit).count
        guard end > 0 else { return nil }
        if end < id.count, id[end] == UInt8(ascii: ".") {
            end += 1 + id[(end + 1)...].prefix(while: Self.isDigit).count
        }
        guard let number = Double(String(decoding: id[..<end], as: UTF8.self)), number > 0 else { return nil }
        return number
    }

    public static func parse(_ bytes: [UInt8], file: String = "etc/os-release") throws(ParseError) -> OSRelease {
        var fields: [String: String] = [:]
        var number = 0
        for line in bytes[...].split(separator: ByteFields.newline, omittingEmptySubsequences: false) {
            number += 1
            let text = trimmed(line)
            guard let first = text.first, first != UInt8(ascii: "#") else { continue }
            func failure(_ reason: String) -> ParseError {
                ParseError(file: file, line: number, reason: reason, text: ByteFields.text(text))
            }
            guard let equals = text.firstIndex(of: UInt8(ascii: "=")) else { throw failure("expected KEY=value") }
            let key = trimmed(text[..<equals])
            guard isKey(key) else { throw failure("expected a variable name before =") }
            guard let value = unquoted(trimmed(text[(equals + 1)...])) else { throw failure("unmatched quote") }
            fields[ByteFields.text(key)] = value
        }
        return OSRelease(fields)
    }

    /// The value with shell quoting undone; `nil` when a quote is left open.
    static func unquoted(_ value: ArraySlice<UInt8>) -> String? {
        var out: [UInt8] = []
        var quote: UInt8?
        var wordStart = true
        // How much of `out` a comment leaves: unquoted blanks before it are not part of the value.
        var significant = 0
        var index = value.startIndex
        while index < value.endIndex {
            let byte = value[index]
            index += 1
            switch (quote, byte) {
            case (nil, UInt8(ascii: "\"")), (nil, UInt8(ascii: "'")):
                quote = byte
            case (nil, UInt8(ascii: "#")) where wordStart:
                return String(decoding: out[..<significant], as: UTF8.self)
            case (nil, UInt8(ascii: "\\")) where index < value.endIndex:
                out.append(value[index])
                index += 1
            case (UInt8(ascii: "\"")?, UInt8(ascii: "\\")) where index < value.endIndex && isEscapable(value[index]):
                out.append(value[index])
                index += 1
            case (let open?, _) where byte == open:
                quote = nil
            default:
                out.append(byte)
            }
            let blank = byte == ByteFields.space || byte == ByteFields.tab
            wordStart = quote == nil && blank
            if !wordStart { significant = out.count }
        }
        return quote == nil ? String(decoding: out, as: UTF8.self) : nil
    }

    // Inside double quotes a shell keeps the backslash before anything else.
    private static func isEscapable(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "$") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "`")
    }

    private static func isKey(_ key: ArraySlice<UInt8>) -> Bool {
        guard let first = key.first, !isDigit(first) else { return false }
        return key.allSatisfy { byte in
            let lower = byte | 0x20  // ASCII letters differ from their capitals by this one bit
            return isDigit(byte) || byte == UInt8(ascii: "_") || (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z"))
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let isBlank = { (byte: UInt8) in byte == ByteFields.space || byte == ByteFields.tab || byte == UInt8(ascii: "\r") }
        guard let start = bytes.firstIndex(where: { !isBlank($0) }) else { return [] }
        return bytes[start...bytes.lastIndex(where: { !isBlank($0) })!]
    }
}
