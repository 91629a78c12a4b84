#if canImport(Glibc)
    import Glibc
#endif

/// Masks what looks like a secret in a command line before it is served or pushed, in every argument
/// and every `key=value` inside one: `--password=x`, `--api-key x`, `TOKEN=x`, `--opts=a=b,password=x`,
/// `"--mode=fast --password=x"` as one argument, the password in `scheme://user:password@host` (query
/// keys too), `-p x`, `-u user:password` and `--user=user:password` (curl), `-pSECRET` for the programs
/// that take it glued (mysql, mariadb, sshpass), header lines such as `-H "Authorization: Bearer x"` or
/// `--header=X-Api-Key: x`, quoted keys (`{"password": "x"}`), and a secret that begins with `-`. A
/// sensitive value is masked to the end of its argument: what follows it may be more of it. The process
/// name gets the same rules.
///
/// Works on UTF-8 bytes, folding ASCII case: a compiler's command line has thousands of arguments, and
/// Character-based searching and Unicode lowercasing cost microseconds for each (a 2,400-argument
/// swift-frontend line took 8.9 ms to scrub that way). Every delimiter looked for is ASCII, so a byte
/// offset found always starts a Unicode scalar, where a String can be cut.
public struct CommandLineScrubber: Sendable {
    /// `secrets` masks what looks secret; `arguments` keeps only the program (SCRUB_COMMAND_LINES=args).
    public enum Mode: Sendable, Equatable {
        case off, secrets, arguments
    }

    /// Datadog agent's default sensitive words (`custom_sensitive_words` extends them there), plus
    /// `token` and a few that header lines and key files use. Found anywhere in a name.
    public static let defaultWords = [
        "password", "passwd", "mysql_pwd", "access_token", "auth_token", "api_key", "apikey", "secret",
        "credentials", "stripetoken", "token", "passphrase", "private_key", "authorization", "cookie",
    ]
    /// Short words that count only as a whole part of a name (between `-`, `_`, `.` or its ends), since
    /// inside other words they mean something else (`--passes`, `--author`, `--bypass`).
    public static let partWords = ["pass", "pwd", "pw", "auth"]
    public static let mask = "********"

    /// Lowercased words with `-` folded to `_`, so `--api-key` matches `api_key`.
    private let words: [String]
    private let asciiWords: [[UInt8]]
    private let asciiParts: [[UInt8]]
    private let table: WordTable
    public let mode: Mode
    public var isEnabled: Bool { mode != .off }

    public init(words: [String] = Self.defaultWords, mode: Mode = .secrets) {
        self.words = words.map(Self.normalized).filter { !$0.isEmpty }
        self.asciiWords = self.words.map { Array($0.utf8) }
        self.asciiParts = Self.partWords.map { Array($0.utf8) }
        self.table = WordTable(asciiWords)
        self.mode = mode
    }

    public init(words: [String] = Self.defaultWords, enabled: Bool) {
        self.init(words: words, mode: enabled ? .secrets : .off)
    }

    public func scrub(_ arguments: [String]) -> [String] {
        switch mode {
        case .off: return arguments
        case .arguments:
            guard var program = arguments.first else { return [] }
            // A title set with setproctitle is one argument holding the whole line: keep its first word.
            if arguments.count == 1, let space = program.utf8.firstIndex(of: UInt8(ascii: " ")) { program = String(program[..<space]) }
            return [scrubName(program)]
        case .secrets: break
        }
        let glued = arguments.first.map(Self.takesGluedPassword) ?? false
        var out = arguments
        var next = Next.none
        for index in arguments.indices {
            var argument = arguments[index]
            let found = argument.withUTF8 { analyse($0, after: next, gluedPassword: glued && index > 0) }
            next = found.next
            if !found.masks.isEmpty { out[index] = Self.masking(arguments[index], found.masks) }
        }
        return out
    }

    /// A process name (argv[0]'s file name, or comm) with the same rules as one argument.
    public func scrubName(_ name: String) -> String {
        guard mode != .off else { return name }
        var name = name
        let masks = name.withUTF8 { analyse($0, after: .none, gluedPassword: false).masks }
        return masks.isEmpty ? name : Self.masking(name, masks)
    }

    /// What an argument says about the one after it.
    private enum Next {
        case none
        /// `--password`, `-p`: the next argument is the secret.
        case whole
        /// `-u`, `--user` (curl): the next argument is `user:password`.
        case afterColon
    }

    private static let byte = (
        equals: UInt8(ascii: "="), colon: UInt8(ascii: ":"), dash: UInt8(ascii: "-"), space: UInt8(ascii: " "),
        p: UInt8(ascii: "p"), u: UInt8(ascii: "u")
    )

    /// Byte ranges to mask in one argument, and what it says of the next.
    private func analyse(_ bytes: UnsafeBufferPointer<UInt8>, after previous: Next, gluedPassword: Bool)
        -> (masks: [Range<Int>], next: Next)
    {
        let count = bytes.count
        let isFlag = Self.looksLikeFlag(bytes)
        switch previous {
        case .whole where !isFlag && count > 0: return ([0..<count], .none)
        case .afterColon where !isFlag:
            return (bytes.firstIndex(of: Self.byte.colon).map { [$0 + 1..<count] } ?? [], .none)
        default: break
        }
        let equals = bytes.firstIndex(of: Self.byte.equals)
        var next = Next.none
        if bytes.first == Self.byte.dash && equals == nil {
            if isSensitive(bytes) || Self.equals(bytes, "-p") {
                next = .whole
            } else if Self.equals(bytes, "-u") || Self.equals(bytes, "-U") || Self.equals(bytes, "--user")
                || Self.equals(bytes, "--proxy-user")
            {
                next = .afterColon
            }
        }
        var masks: [Range<Int>] = []
        if count > 2, bytes[0] == Self.byte.dash, bytes[2] != Self.byte.dash {
            if gluedPassword && bytes[1] == Self.byte.p { return ([2..<count], next) }
            if bytes[1] == Self.byte.u, let colon = bytes.firstIndex(of: Self.byte.colon) { masks.append(colon + 1..<count) }
        }
        if let equals { keyValueSecrets(bytes, firstEquals: equals, into: &masks) }
        // Header lines, quoted keys and URLs all need a colon: most arguments of a long line have none.
        if let colon = bytes.firstIndex(of: Self.byte.colon) {
            if let value = headerValue(bytes, from: 0) { masks.append(value..<count) }
            if let value = quotedKeyValue(bytes, firstColon: colon) { masks.append(value..<count) }
            if let password = Self.urlPassword(in: bytes, firstColon: colon) { masks.append(password) }
        }
        return (masks, next)
    }

    /// Every `key=value` in the argument: a sensitive key masks to the end of the argument (a value may
    /// hold the delimiters that would end it, so nothing after it is trusted to be harmless).
    private func keyValueSecrets(_ bytes: UnsafeBufferPointer<UInt8>, firstEquals: Int, into masks: inout [Range<Int>]) {
        var equals: Int? = firstEquals
        while let at = equals {
            var start = at
            while start > 0, !Self.isKeyDelimiter(bytes[start - 1]) { start -= 1 }
            let key = UnsafeBufferPointer(rebasing: bytes[start..<at])
            if isSensitive(key) { return masks.append(at + 1..<bytes.count) }
            if Self.equals(key, "--user") || Self.equals(key, "--proxy-user"),
                let colon = bytes[(at + 1)...].firstIndex(of: Self.byte.colon)
            {
                masks.append(colon + 1..<bytes.count)
            }
            if at == firstEquals, let value = headerValue(bytes, from: at + 1) { return masks.append(value..<bytes.count) }
            equals = bytes[(at + 1)...].firstIndex(of: Self.byte.equals)
        }
    }

    /// Where the value starts after the first sensitive quoted key: `{"password": "x"}` (JSON, YAML).
    private func quotedKeyValue(_ bytes: UnsafeBufferPointer<UInt8>, firstColon: Int) -> Int? {
        var next: Int? = firstColon
        while let colon = next {
            next = bytes[(colon + 1)...].firstIndex(of: Self.byte.colon)
            guard colon >= 2, let quote = Self.quote(bytes[colon - 1]),
                let open = bytes[..<(colon - 1)].lastIndex(of: quote),
                isSensitive(UnsafeBufferPointer(rebasing: bytes[(open + 1)..<(colon - 1)]))
            else { continue }
            return colon + 1 < bytes.count ? colon + 1 : nil
        }
        return nil
    }

    private static func quote(_ byte: UInt8) -> UInt8? {
        byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") ? byte : nil
    }

    /// Where the value starts if the bytes from `start` are a header line with a sensitive name
    /// (`Authorization: Bearer x`, `X-Api-Key:x`).
    private func headerValue(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var end = start
        while end < bytes.count, Self.isTokenByte(bytes[end]) { end += 1 }
        guard end > start, end < bytes.count, bytes[end] == Self.byte.colon,
            isSensitive(UnsafeBufferPointer(rebasing: bytes[start..<end]))
        else { return nil }
        var value = end + 1
        while value < bytes.count, bytes[value] == Self.byte.space { value += 1 }
        return value < bytes.count ? value : nil
    }

    private func isSensitive(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let key = UnsafeBufferPointer(rebasing: key.drop { $0 == Self.byte.dash })
        guard !key.isEmpty else { return false }
        // Lowercasing can turn a non-ASCII letter into an ASCII one (the Kelvin sign into "k"): such a key
        // is compared as Unicode, as it always was.
        guard key.allSatisfy({ $0 < 0x80 }) else {
            let name = Self.normalized(String(decoding: key, as: UTF8.self))
            let parts = name.split { $0 == "_" || $0 == "." }
            return words.contains { name.contains($0) } || Self.partWords.contains { word in parts.contains { $0 == word } }
        }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: key.count) { name in
            for (index, byte) in key.enumerated() {
                name[index] =
                    switch byte {
                    case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte | 0x20
                    case Self.byte.dash: UInt8(ascii: "_")
                    default: byte
                    }
            }
            return containsWord(UnsafeBufferPointer(name))
        }
    }

    /// One pass over a lowercased ASCII name: a word is looked for only where a byte starts some word,
    /// among the words that start with it, and a part ends at each `_` or `.` (a scan of the name per
    /// word cost more than all the rest of scrubbing a compiler line).
    private func containsWord(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        table.words.withUnsafeBufferPointer { words in
            table.spans.withUnsafeBufferPointer { spans in
                table.buckets.withUnsafeBufferPointer { buckets in
                    var partStart = 0
                    for index in 0...name.count {
                        let byte = index < name.count ? name[index] : UInt8(ascii: "_")
                        if byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") {
                            if index > partStart && index - partStart <= 4 {
                                let part = UnsafeBufferPointer(rebasing: name[partStart..<index])
                                if asciiParts.contains(where: { $0.elementsEqual(part) }) { return true }
                            }
                            partStart = index + 1
                            continue
                        }
                        for span in spans[Int(buckets[Int(byte)])..<Int(buckets[Int(byte) + 1])] where index + span.count <= name.count {
                            if memcmp(words.baseAddress! + span.start, name.baseAddress! + index, span.count) == 0 { return true }
                        }
                    }
                    return false
                }
            }
        }
    }

    /// The words, by first byte: `words` holds them end to end, `spans` where each is, sorted by first
    /// byte, and `spans[buckets[b]..<buckets[b + 1]]` are those that start with byte `b`.
    private struct WordTable: Sendable {
        var words: [UInt8] = []
        var spans: [(start: Int, count: Int)] = []
        var buckets = [UInt16](repeating: 0, count: 257)

        init(_ list: [[UInt8]]) {
            for word in list.sorted(by: { $0[0] < $1[0] }) {
                spans.append((words.count, word.count))
                words += word
                for byte in Int(word[0]) + 1...256 { buckets[byte] += 1 }
            }
        }
    }

    /// `-v`, `--verbose`, `--level=3`: what a value after `--password` is taken for a flag only when it is
    /// (a secret beginning with `-`, such as `-x8#k`, is masked).
    private static func looksLikeFlag(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count >= 2, bytes[0] == byte.dash else { return false }
        if bytes.count == 2 { return isLetter(bytes[1]) }
        guard bytes[1] == byte.dash, isLetter(bytes[2]) else { return false }
        let name = bytes[3...].prefix { $0 != byte.equals }
        return name.allSatisfy(isTokenByte)
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == Self.byte.dash || byte == UInt8(ascii: "_")
    }

    /// What ends a key on its left: `a=b,password=x`, `?x=1&token=y`, `"--mode=fast --password=x"`.
    private static func isKeyDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: ","), UInt8(ascii: "&"), UInt8(ascii: ";"), UInt8(ascii: "?"), UInt8(ascii: " "), UInt8(ascii: "\t"),
            UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "{"), UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "/"),
            UInt8(ascii: ":"), UInt8(ascii: "="):
            true
        default: false
        }
    }

    private static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
        bytes.count == text.utf8CodeUnitCount
            && bytes.elementsEqual(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// mysql's family and sshpass read `-pSECRET`; elsewhere `-pthread`, `-pipe`, `-print` are options.
    static func takesGluedPassword(_ program: String) -> Bool {
        let base = program.split(separator: " ").first?.split(separator: "/").last ?? ""
        return base.hasPrefix("mysql") || base.hasPrefix("mariadb") || base == "sshpass"
    }

    private static func normalized(_ word: String) -> String {
        String(word.lowercased().map { $0 == "-" ? "_" : $0 })
    }

    private static let schemeSeparator = Array("://".utf8)

    /// The password's bytes in `postgres://app:hunter2@db/x`, if there is one.
    private static func urlPassword(in bytes: UnsafeBufferPointer<UInt8>, firstColon: Int) -> Range<Int>? {
        guard let scheme = range(of: schemeSeparator, in: bytes[firstColon...]) else { return nil }
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

    /// `text` with the bytes in each range replaced by the mask; overlapping ranges merge.
    private static func masking(_ text: String, _ ranges: [Range<Int>]) -> String {
        var merged: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) where !range.isEmpty {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        let bytes = text.utf8
        func index(_ offset: Int) -> String.Index { bytes.index(bytes.startIndex, offsetBy: offset) }
        var out = ""
        var position = 0
        for range in merged {
            out += String(text[index(position)..<index(range.lowerBound)]) + mask
            position = range.upperBound
        }
        return out + String(text[index(position)...])
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
