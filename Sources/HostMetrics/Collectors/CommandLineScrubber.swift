/// Masks arguments that look like secrets before a command line is served or pushed: `--password=x`,
/// `--api-key x`, `TOKEN=x`, and the password in `scheme://user:password@host`.
public struct CommandLineScrubber: Sendable {
    /// Datadog agent's default sensitive words (`custom_sensitive_words` extends them there), plus `token`.
    public static let defaultWords = [
        "password", "passwd", "mysql_pwd", "access_token", "auth_token", "api_key", "apikey", "secret",
        "credentials", "stripetoken", "token",
    ]
    public static let mask = "********"

    /// Lowercased words with `-` folded to `_`, so `--api-key` matches `api_key`.
    private let words: [String]
    public let isEnabled: Bool

    public init(words: [String] = Self.defaultWords, enabled: Bool = true) {
        self.words = words.map(Self.normalized)
        self.isEnabled = enabled
    }

    public func scrub(_ arguments: [String]) -> [String] {
        guard isEnabled else { return arguments }
        var out = arguments
        var maskNext = false
        for (index, argument) in arguments.enumerated() {
            if maskNext && !argument.hasPrefix("-") {
                out[index] = Self.mask
                maskNext = false
                continue
            }
            maskNext = false
            if let equals = argument.firstIndex(of: "=") {
                if isSensitive(argument[..<equals]) {
                    out[index] = argument[...equals] + Self.mask
                    continue
                }
            } else if argument.hasPrefix("-"), isSensitive(argument[...]) {
                maskNext = true
                continue
            }
            out[index] = Self.maskingURLPassword(out[index])
        }
        return out
    }

    private func isSensitive(_ key: Substring) -> Bool {
        let name = Self.normalized(String(key.drop { $0 == "-" }))
        return words.contains { name.contains($0) }
    }

    private static func normalized(_ word: String) -> String {
        String(word.lowercased().map { $0 == "-" ? "_" : $0 })
    }

    /// `postgres://app:hunter2@db/x` → `postgres://app:********@db/x`.
    static func maskingURLPassword(_ argument: String) -> String {
        guard let scheme = argument.firstRange(of: "://") else { return argument }
        let authorityStart = scheme.upperBound
        let authorityEnd = argument[authorityStart...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" }
            ?? argument.endIndex
        let authority = argument[authorityStart..<authorityEnd]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else {
            return argument
        }
        return String(argument[..<argument.index(after: colon)]) + mask + String(argument[at...])
    }
}
