import CSnappy

/// Snappy's block format (what remote write's `Content-Encoding: snappy` means: not the framed stream
/// format), through libsnappy (CSnappy loads it on first use).
enum Snappy {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    /// Why libsnappy cannot be used, or nil when it can.
    static var libraryError: String? { csn_library_error().map { String(cString: $0) } }

    static func compress(_ input: [UInt8]) throws(Unavailable) -> [UInt8] {
        let capacity = csn_max_compressed_length(input.count)
        guard capacity > 0 else { throw Unavailable(description: libraryError ?? "libsnappy unusable") }
        var out = [UInt8](repeating: 0, count: capacity)
        var length = capacity
        let rc = input.withUnsafeBytes { source in
            out.withUnsafeMutableBytes { csn_compress(source.baseAddress, source.count, $0.baseAddress, &length) }
        }
        guard rc == 0 else { throw Unavailable(description: libraryError ?? "snappy_compress failed") }
        out.removeLast(capacity - length)
        return out
    }

    /// nil for bytes that are not a snappy block (damage) or would expand past `limit`.
    static func uncompress(_ input: ArraySlice<UInt8>, limit: Int = 64 << 20) -> [UInt8]? {
        input.withUnsafeBytes { source -> [UInt8]? in
            var length = 0
            guard csn_uncompressed_length(source.baseAddress, source.count, &length) == 0, length <= limit else { return nil }
            var out = [UInt8](repeating: 0, count: length)
            let rc = out.withUnsafeMutableBytes { csn_uncompress(source.baseAddress, source.count, $0.baseAddress, &length) }
            return rc == 0 ? Array(out.prefix(length)) : nil
        }
    }
}
