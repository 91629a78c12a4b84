import API

/// A `.env` file: `KEY=value` lines, `export KEY=value`, comments and blank lines, values optionally in
/// single or double quotes.
///
/// Hand-written because the agent must also write its token back into this file keeping every other
/// line and comment exactly as it was, and report a bad line by number; swift-configuration's provider
/// reads such files but neither round-trips them nor names the line.
struct DotEnv: Equatable {
    struct Entry: Equatable {
        var key: String
        var value: String
        var line: Int
    }

    var entries: [Entry]

    func value(_ key: String) -> Entry? { entries.last { $0.key == key } }

    static func parse(_ text: String, file: String) throws(ConfigurationError) -> DotEnv {
        var entries: [Entry] = []
        // Editors on Windows start UTF-8 files with a byte order mark; it is not part of the first key.
        let text = text.unicodeScalars.first == "\u{FEFF}" ? String(text.unicodeScalars.dropFirst()) : text
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = rawLine.trimmingSpaces
            if line.hasSuffix("\r") { line = line.dropLast().trimmingSpaces }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = line.dropFirst(7).trimmingSpaces }
            func bad(_ reason: String) -> ConfigurationError {
                // The line is not quoted back: it may hold a token.
                ConfigurationError(key: nil, source: "\(file) line \(index + 1)", value: "", reason: reason)
            }
            guard let equals = line.firstIndex(of: "=") else { throw bad("expected KEY=value") }
            let key = line[..<equals].trimmingSpaces
            guard let first = key.first, first == "_" || first.isLetter,
                key.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) })
            else { throw bad("\"\(key)\" is not a variable name") }
            let value = try unquote(line[line.index(after: equals)...].trimmingSpaces, bad: bad)
            entries.append(Entry(key: String(key), value: value, line: index + 1))
        }
        return DotEnv(entries: entries)
    }

    private static func unquote(_ raw: Substring, bad: (String) -> ConfigurationError) throws(ConfigurationError)
        -> String
    {
        guard let quote = raw.first, quote == "\"" || quote == "'" else {
            // An unquoted value ends at " #", which starts a comment.
            if let comment = raw.firstRange(of: " #") { return String(raw[..<comment.lowerBound].trimmingSpaces) }
            return String(raw)
        }
        guard let close = raw.dropFirst().firstIndex(of: quote) else { throw bad("unterminated \(quote) quote") }
        let rest = raw[raw.index(after: close)...].trimmingSpaces
        guard rest.isEmpty || rest.hasPrefix("#") else { throw bad("text after the closing quote") }
        let inner = raw[raw.index(after: raw.startIndex)..<close]
        guard quote == "\"" else { return String(inner) }
        return String(inner).replacing("\\n", with: "\n").replacing("\\\"", with: "\"")
    }
}
