/// A setting that cannot be used, naming the variable, where its value came from and why.
struct ConfigurationError: Error, Equatable, CustomStringConvertible {
    var key: String?
    /// `--listen`, `environment`, `.env line 4`, …
    var source: String
    var value: String
    var reason: String

    var description: String {
        // Escaped: the message goes to stderr, and a value's newline must not forge a line there either.
        if let key { return LogText.escaped("\(key)=\"\(value)\" (from \(source)): \(reason)") }
        return LogText.escaped("\(source): \(reason)")
    }
}
