/// Writes JSON straight into a byte buffer.
///
/// Hand-written rather than `JSONEncoder` because the endpoint needs explicit `null`s for rates that do
/// not exist yet (Codable drops nil keys), a fixed key order that `openapi.yaml` documents, and no
/// Foundation in the agent binary (it would add ~54 MB of libraries to a 16 MiB agent).
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    private var needsComma = false
    private let indentStep: Int
    private var depth = 0

    /// `pretty` indents by two spaces per level, for humans with `?pretty`.
    public init(pretty: Bool = false, capacity: Int = 1024) {
        indentStep = pretty ? 2 : 0
        bytes.reserveCapacity(capacity)
    }

    public mutating func object(_ body: (inout JSONWriter) -> Void) { container("{", "}", body) }
    public mutating func array(_ body: (inout JSONWriter) -> Void) { container("[", "]", body) }

    public mutating func key(_ name: String) {
        separate()
        writeString(name)
        bytes.append(UInt8(ascii: ":"))
        if indentStep > 0 { bytes.append(UInt8(ascii: " ")) }
        needsComma = false
    }

    public mutating func string(_ value: String?) {
        separate()
        if let value { writeString(value) } else { append("null") }
    }

    public mutating func number(_ value: Double?) {
        separate()
        guard let value, value.isFinite else { return append("null") }
        NumberFormat.appendDecimal(value, to: &bytes)
    }

    public mutating func integer<T: BinaryInteger>(_ value: T?) {
        separate()
        if let value { append(String(value)) } else { append("null") }
    }

    public mutating func bool(_ value: Bool) {
        separate()
        append(value ? "true" : "false")
    }

    // Convenience for the common `"key": value` pairs.
    public mutating func field(_ name: String, _ value: String?) { key(name); string(value) }
    public mutating func field(_ name: String, _ value: Double?) { key(name); number(value) }
    public mutating func field<T: BinaryInteger>(_ name: String, _ value: T?) { key(name); integer(value) }
    public mutating func field(_ name: String, _ value: Bool) { key(name); bool(value) }

    private mutating func container(_ open: Character, _ close: Character, _ body: (inout JSONWriter) -> Void) {
        separate()
        bytes.append(UInt8(ascii: open.unicodeScalars.first!))
        depth += 1
        needsComma = false
        let start = bytes.count
        body(&self)
        depth -= 1
        if bytes.count != start { newline() }
        bytes.append(UInt8(ascii: close.unicodeScalars.first!))
        needsComma = true
    }

    private mutating func separate() {
        if needsComma {
            bytes.append(UInt8(ascii: ","))
        }
        if needsComma || bytes.last == UInt8(ascii: "{") || bytes.last == UInt8(ascii: "[") {
            newline()
        }
        needsComma = true
    }

    private mutating func newline() {
        guard indentStep > 0 else { return }
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * indentStep))
    }

    private mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

    private mutating func writeString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case UInt8(ascii: "\n"): append("\\n")
            case UInt8(ascii: "\r"): append("\\r")
            case UInt8(ascii: "\t"): append("\\t")
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                append("\\u00")
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
