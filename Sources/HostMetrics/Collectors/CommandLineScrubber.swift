/// Masks arguments that look like secrets before a command line is served or pushed: `--password=x`,
/// `--api-key x`, `TOKEN=x`, and the password in `scheme://user:password@host`.
///
/// Works on UTF-8 bytes, folding ASCII case: a compiler's command line has thousands of arguments, and
/// Character-based searching and Unicode lowercasing cost microseconds for each (a 2,400-argument
/// swift-frontend line took 8.9 ms to scrub that way). Every delimiter looked for is ASCII, so a byte
/// offset found always starts a Unicode scalar, where a String can be cut.
public struct CommandLineScrubber: Sendable {
    /// Datadog agent's default sensitive words (`custom_sensitive_words` extends them there), plus `token`.
    public static let defaultWords = [
        "password", "passwd", "mysql_pwd", "access_token", "auth_token", "api_key", "apikey", "secret",
        "credentials", "stripetoken", "token",
    ]
    public static let mask = "********"

    /// Lowercased words with `-` folded to `_`, so `--api-key` matches `api_key`.
    private let words: [String]
    /// The same words as bytes.
    private let asciiWords: [[UInt8]]
    public let isEnabled: Bool

    public init(words: [String] = Self.defaultWords, enabled: Bool = true) {
        self.words = words.map(Self.normalized)
        self.asciiWords = self.words.map { Array($0.utf8) }
        self.isEnabled = enabled
    }

    public func scrub(_ arguments: [String]) -> [String] {
        guard isEnabled else { return arguments }
        var out = arguments
        var maskNext = false
        for index in arguments.indices {
            var argument = arguments[index]
            let found = argument.withUTF8 { find(in: $0) }
            if maskNext && !found.isFlag {
                out[index] = Self.mask
                maskNext = false
                continue
            }
            maskNext = false
            switch found.secret {
            case .none: break
            case .followingArgument: maskNext = true
            case .after(let offset): out[index] = Self.replacing(argument, from: offset, to: argument.utf8.count)
            case .between(let start, let end): out[index] = Self.replacing(argument, from: start, to: end)
            }
        }
        return out
    }

    /// What one argument holds, by byte offsets into it.
    private enum Secret {
        case none
        /// `--password`: the next argument is the secret.
        case followingArgument
        /// `PASSWORD=x`: everything from this offset.
        case after(Int)
        /// `scheme://user:x@host`: the bytes in between.
        case between(Int, Int)
    }

    private func find(in bytes: UnsafeBufferPointer<UInt8>) -> (isFlag: Bool, secret: Secret) {
        let isFlag = bytes.first == UInt8(ascii: "-")
        if let equals = bytes.firstIndex(of: UInt8(ascii: "=")) {
            if isSensitive(UnsafeBufferPointer(rebasing: bytes[..<equals])) { return (isFlag, .after(equals + 1)) }
        } else if isFlag, isSensitive(bytes) {
            return (isFlag, .followingArgument)
        }
        return (isFlag, Self.urlPassword(in: bytes).map { .between($0.lowerBound, $0.upperBound) } ?? .none)
    }

    private func isSensitive(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let key = UnsafeBufferPointer(rebasing: key.drop { $0 == UInt8(ascii: "-") })
        // Lowercasing can turn a non-ASCII letter into an ASCII one (the Kelvin sign into "k"): such a key
        // is compared as Unicode, as it always was.
        guard key.allSatisfy({ $0 < 0x80 }) else {
            let name = Self.normalized(String(decoding: key, as: UTF8.self))
            return words.contains { name.contains($0) }
        }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: key.count) { name in
            for (index, byte) in key.enumerated() {
                name[index] =
                    switch byte {
                    case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte | 0x20
                    case UInt8(ascii: "-"): UInt8(ascii: "_")
                    default: byte
                    }
            }
            return asciiWords.contains { Self.range(of: $0, in: UnsafeBufferPointer(name)) != nil }
        }
    }

    private static func normalized(_ word: String) -> String {
        String(word.lowercased().map { $0 == "-" ? "_" : $0 })
    }

    private static let schemeSeparator = Array("://".utf8)

    /// The password's bytes in `postgres://app:hunter2@db/x`, if there is one.
    private static func urlPassword(in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        guard let scheme = range(of: schemeSeparator, in: bytes) else { return nil }
        let authority = bytes[scheme.upperBound...].prefix {
            $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#")
        }
        guard let at = authority.lastIndex(of: UInt8(ascii: "@")),
            let colon = authority[..<at].firstIndex(of: UInt8(ascii: ":"))
        else {
            return nil
        }
        return colon + 1..<at
    }

    /// `text` with the bytes in `start..<end` replaced by the mask.
    private static func replacing(_ text: String, from start: Int, to end: Int) -> String {
        let bytes = text.utf8
        let head = bytes.index(bytes.startIndex, offsetBy: start), tail = bytes.index(bytes.startIndex, offsetBy: end)
        return String(text[..<head]) + mask + String(text[tail...])
    }

    /// Where `needle` first occurs in `haystack`: an argument and a short word, where a plain scan is
    /// what costs least.
    private static func range<Bytes: Collection<UInt8>>(of needle: [UInt8], in haystack: Bytes) -> Range<Bytes.Index>? {
        guard let first = needle.first else { return nil }
        var start = haystack.startIndex
        while let found = haystack[start...].firstIndex(of: first) {
            if let end = haystack.index(found, offsetBy: needle.count, limitedBy: haystack.endIndex),
                haystack[found..<end].elementsEqual(needle)
            {
                return found..<end
            }
            start = haystack.index(after: found)
        }
        return nil
    }
}
