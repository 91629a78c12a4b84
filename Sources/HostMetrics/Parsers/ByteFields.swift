/// Splitting kernel text files into lines and whitespace-separated fields without building Strings for
/// the numbers, since the process scan parses thousands of them per pass.
enum ByteFields {
    static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), newline = UInt8(ascii: "\n")

    static func lines(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        bytes.split(separator: newline, omittingEmptySubsequences: true)
    }

    /// Each line in turn, without building an array of them; `body` returns false to stop early.
    static func eachLine(_ bytes: ArraySlice<UInt8>, _ body: (ArraySlice<UInt8>) -> Bool) {
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: newline) ?? bytes.endIndex
            if end > start && !body(bytes[start..<end]) { return }
            start = end + 1
        }
    }

    static func fields(_ line: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        line.split(omittingEmptySubsequences: true) { $0 == space || $0 == tab }
    }

    /// A decimal unsigned number; `nil` for anything else, including overflow.
    static func unsigned(_ field: ArraySlice<UInt8>) -> UInt64? {
        guard !field.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in field {
            guard byte >= 48 && byte <= 57 else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - 48))
            if overflow1 || overflow2 { return nil }
            value = sum
        }
        return value
    }

    static func signed(_ field: ArraySlice<UInt8>) -> Int64? {
        if field.first == UInt8(ascii: "-") {
            return unsigned(field.dropFirst()).flatMap { $0 <= UInt64(Int64.max) ? -Int64($0) : nil }
        }
        return unsigned(field).flatMap { $0 <= UInt64(Int64.max) ? Int64($0) : nil }
    }

    static func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
}
